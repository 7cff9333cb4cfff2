import type { ApiArgs, ApiErrorCode, ApiEventName, ApiEvents, ApiMethodName, ApiResponse, ApiResult } from '../../core/api/contract.js';
import { createHttpTransport } from './http.js';
import { createIpcTransport } from './ipc.js';

/** How calls and events travel: Electron IPC (the preload bridge) or HTTP + server-sent events. */
export interface Transport {
  invoke(method: ApiMethodName, args: unknown[]): Promise<ApiResponse>;
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Where the <audio> element loads a track from. */
  mediaUrl(trackId: number): string;
  /** Where an <img> loads a track's album art from; the art's hash makes a new URL for new art. */
  artUrl(trackId: number, hash: string): string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The typed API client the stores use; components never call it directly. */
export interface ApiClient {
  call<M extends ApiMethodName>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  mediaUrl(trackId: number): string;
  artUrl(trackId: number, hash: string): string;
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    async call(method, ...args) {
      const response = await transport.invoke(method, args);
      if (!response.ok) throw new ApiError(response.error.code, response.error.message);
      return response.result as ApiResult<typeof method>;
    },
    on: (event, listener) => transport.subscribe(event, listener),
    mediaUrl: (trackId) => transport.mediaUrl(trackId),
    artUrl: (trackId, hash) => transport.artUrl(trackId, hash),
  };
}

/** Electron when the preload bridge is present, HTTP otherwise. */
export const api: ApiClient = createApiClient(window.timbre ? createIpcTransport(window.timbre) : createHttpTransport());
