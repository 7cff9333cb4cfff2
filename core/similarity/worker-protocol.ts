import type { Neighbour } from './index.js';
import type { Playlist, PlaylistOptions, PlaylistRequest, PlaylistTrack } from './playlist.js';

/** Messages between SimilarityWorker and its thread; `id` pairs each reply with its request. */
export type WorkerRequest =
  | { id: number; type: 'load'; vectors: Float32Array; dim: number; tracks: PlaylistTrack[] }
  | { id: number; type: 'search'; query: Float32Array; k: number; exclude?: number[] }
  | { id: number; type: 'similar'; row: number; k: number; exclude?: number[] }
  | { id: number; type: 'playlist'; request: PlaylistRequest; options?: PlaylistOptions };

export interface LoadSummary {
  size: number;
  dim: number;
  simd: boolean;
}

export type WorkerResult = LoadSummary | Neighbour[] | Playlist;

export type WorkerReply =
  | { id: number; ok: true; result: WorkerResult }
  | { id: number; ok: false; error: string };
