import { Worker } from 'node:worker_threads';
import type { Neighbour } from './index.js';
import type { Playlist, PlaylistOptions, PlaylistRequest, PlaylistTrack } from './playlist.js';
import type { LoadSummary, WorkerReply, WorkerRequest } from './worker-protocol.js';

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The similarity index in a worker thread, so a query over a large library never blocks the app's
 * main thread. Each method mirrors a pure function of index.ts / playlist.ts.
 */
export class SimilarityWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url));
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`similarity worker: ${reply.error}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`similarity worker exited with code ${code}`)));
  }

  /** Replaces the index. `vectors` (n × dim) is transferred, not copied: the caller loses it. */
  load(vectors: Float32Array, dim: number, tracks: PlaylistTrack[]): Promise<LoadSummary> {
    return this.call<LoadSummary>({ type: 'load', vectors, dim, tracks }, [vectors.buffer as ArrayBuffer]);
  }

  search(query: Float32Array, k: number, exclude?: number[]): Promise<Neighbour[]> {
    return this.call<Neighbour[]>({ type: 'search', query, k, exclude });
  }

  /** Neighbours of an indexed track, without the track itself. */
  similar(row: number, k: number, exclude?: number[]): Promise<Neighbour[]> {
    return this.call<Neighbour[]>({ type: 'similar', row, k, exclude });
  }

  playlist(request: PlaylistRequest, options?: PlaylistOptions): Promise<Playlist> {
    return this.call<Playlist>({ type: 'playlist', request, options });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call<T>(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
