/**
 * Messages between the main thread and analysis workers. Workers never touch the database: they get
 * a path, and reply with results; the main thread is the one writer. Every request carries a sequence
 * number that its reply echoes, so a late reply from a replaced worker can never be mistaken.
 */
import type { StoredBackboneFeatures } from '../db/repos/backbone-features.js';
import type { StoredPrediction } from '../db/repos/predictions.js';
import type { TrackTags } from '../db/repos/tracks.js';
import type { MelPreview } from '../library/types.js';

export interface AnalyseRequest {
  type: 'analyse';
  seq: number;
  trackId: number;
  path: string;
  /**
   * Decode this track in an ffmpeg process of its own: its batch stopped answering while decoding (one
   * file at a time finds the one at fault), or its own decode did before (if it hangs again, the first
   * timeout blames it).
   */
  decodeAlone?: boolean;
}

/**
 * Answer every queued request this worker has not started analysing with AnalyseReleased (pause,
 * cancel, shutdown), including those of a batch being decoded (its ffmpeg is stopped). Requests sent
 * after it are not affected: messages arrive in order.
 */
export interface ReleaseRequest {
  type: 'release';
}

/**
 * The pool is replacing this worker (it stopped answering in time): stop the ffmpeg it runs, start
 * nothing more, and answer WorkerStopped once no ffmpeg of this worker runs. The worker's own
 * ChildProcess handle reaps the killed process; killed by pid after the thread is terminated, it would
 * stay a zombie until Timbre exits.
 */
export interface StopRequest {
  type: 'stop';
}

export type WorkerRequest = AnalyseRequest | ReleaseRequest | StopRequest;

/** A worker decodes this many queued tracks' excerpts in one ffmpeg process (core/audio/decode.ts). */
export const DECODE_BATCH_SIZE = 8;
/**
 * Tracks the pool keeps queued at each worker: two batches, so the next batch decodes while the worker
 * analyses the current one.
 */
export const WORKER_QUEUE_DEPTH = 2 * DECODE_BATCH_SIZE;

/** Genre classifier output for a track, segment times already in track time. */
export type GenrePredictions = StoredPrediction;

export interface AnalysedTrack {
  fma518: Float32Array;
  tempoBpm: number;
  melPreview: MelPreview;
}

export interface AnalyseSuccess {
  type: 'analysed';
  seq: number;
  trackId: number;
  /** null when the file's tags could not be read (the audio still decoded). */
  tags: TrackTags | null;
  features: AnalysedTrack;
  /** null when no genre model could be loaded (the features still count). */
  predictions: GenrePredictions | null;
  /** The active pretrained backbone's tags and embedding of the same excerpt; absent or null without one. */
  backbone?: StoredBackboneFeatures | null;
}

export interface AnalyseFailure {
  type: 'failed';
  seq: number;
  trackId: number;
  /** Readable reason, stored on the track. */
  error: string;
  /** True for failures that are not the file's fault (worker crash, timeout): worth another attempt. */
  retryable: boolean;
  tags: TrackTags | null;
}

/** The worker gave the request back unstarted (after a ReleaseRequest): nothing was attempted. */
export interface AnalyseReleased {
  type: 'released';
  seq: number;
  trackId: number;
}

export type AnalyseReply = AnalyseSuccess | AnalyseFailure | AnalyseReleased;

/**
 * What a worker is working on, sent whenever that changes, so that if it stops answering the pool
 * knows which track to blame and which ffmpeg to stop. Decoding and analysis overlap.
 */
export interface WorkerActivity {
  type: 'activity';
  /** Requests (seqs) whose files are being read and decoded: a batch, or one track decoded alone. */
  decoding: number[];
  /** The ffmpeg process decoding them, while it runs. */
  ffmpegPid: number | null;
  /** The request (seq) being analysed. */
  analysing: number | null;
}

/** Answers a StopRequest: the worker's ffmpeg, if it ran one, has exited and been reaped. */
export interface WorkerStopped {
  type: 'stopped';
}

export type WorkerReply = AnalyseReply | WorkerActivity | WorkerStopped;
