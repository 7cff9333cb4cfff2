import { Worker } from 'node:worker_threads';
import type { LibraryPlaylistRequest, Seed, SimilarityTrack } from './library.js';
import type { PlaylistOptions } from './playlist.js';
import type { GeneratedPlaylist, GeneratePlaylistRequest } from './types.js';
import type { LoadSummary, PlaylistResult, SimilarResult, WorkerReply, WorkerRequest } from './worker-protocol.js';

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The library's similarity index in a worker thread, so a query over a large library never blocks
 * the app's main thread. Each method mirrors one of LibrarySimilarity (library.ts), by track id.
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
      else waiter.reject(new Error(`similarity: ${reply.error}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`similarity worker exited with code ${code}`)));
  }

  /** (Re)builds the index from the library's analysed tracks. */
  load(tracks: SimilarityTrack[]): Promise<LoadSummary> {
    return this.call<LoadSummary>({ type: 'load', tracks });
  }

  /** The k most similar tracks, without the seed, with reasons. */
  similar(seed: Seed, k: number): Promise<SimilarResult[]> {
    return this.call<SimilarResult[]>({ type: 'similar', seed, k });
  }

  playlist(request: LibraryPlaylistRequest, options?: PlaylistOptions): Promise<PlaylistResult> {
    return this.call<PlaylistResult>({ type: 'playlist', request, options });
  }

  /** A playlist with reasons and transitions, for the app (LibrarySimilarity.generate). */
  generate(request: GeneratePlaylistRequest, options?: PlaylistOptions): Promise<GeneratedPlaylist> {
    return this.call<GeneratedPlaylist>({ type: 'generate', request, options });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call<T>(body: RequestBody): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
