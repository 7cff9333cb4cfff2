import type { ApiArgs, ApiEventName, ApiEvents, ApiMethodName, ApiResponse, ApiResult } from '../../core/api/contract.js';

/**
 * The only thing the preload puts on `window`: a generic invoke/subscribe bridge whose types come
 * from the API contract, so adding a method to the contract needs no change here.
 */
export interface TimbreBridge {
  invoke<M extends ApiMethodName>(method: M, ...args: ApiArgs<M>): Promise<ApiResponse<ApiResult<M>>>;
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** The name the bridge has on `window`. */
export const BRIDGE_KEY = 'timbre';

/** IPC channels between the preload and the main process. */
export const IPC_INVOKE_CHANNEL = 'timbre:invoke';
export const IPC_EVENT_CHANNEL = 'timbre:event';

/** What the main process sends on IPC_EVENT_CHANNEL. */
export interface BridgeEventMessage<E extends ApiEventName = ApiEventName> {
  event: E;
  payload: ApiEvents[E];
}
