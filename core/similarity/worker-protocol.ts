import type { PlaylistOptions } from './playlist.js';
import type { LibraryPlaylistRequest, Seed, SimilarityTrack } from './library.js';
import type { Reason } from './reasons.js';
import type { GeneratedPlaylist, GeneratePlaylistRequest } from './types.js';

/** Messages between SimilarityWorker and its thread; `id` pairs each reply with its request. */
export type WorkerRequest =
  | { id: number; type: 'load'; tracks: SimilarityTrack[] }
  | { id: number; type: 'similar'; seed: Seed; k: number }
  | { id: number; type: 'playlist'; request: LibraryPlaylistRequest; options?: PlaylistOptions }
  | { id: number; type: 'generate'; request: GeneratePlaylistRequest; options?: PlaylistOptions };

export interface LoadSummary {
  tracks: number;
  dim: number;
  simd: boolean;
}

/** A neighbour by track id: replies stay small (no feature arrays cross back). */
export interface SimilarResult {
  trackId: number;
  score: number;
  reasons: Reason[];
}

export interface PlaylistResult {
  /** Track ids in play order. */
  trackIds: number[];
  scores: number[];
  totalDurationSec: number;
  transitionCost: number;
}

export type WorkerResult = LoadSummary | SimilarResult[] | PlaylistResult | GeneratedPlaylist;

export type WorkerReply = { id: number; ok: true; result: WorkerResult } | { id: number; ok: false; error: string };
