import { z } from 'zod';
import type { JobRow, JobsRepo } from '../db/repos/jobs.js';

/** The kind of job that analyses one track. */
export const ANALYSIS_JOB_KIND = 'analyse-track';

/**
 * Version of what analysis stores (features, preview, windows). Bump it when their meaning changes:
 * tracks analysed with an older version are re-queued by the next scan. 2: 30 s of audio per track
 * (core/audio/windows.ts; was up to 60-75 s). 3: album artist, track and disc numbers and album art,
 * the integrity check (audio shorter than the header says), and the pretrained backbone's features.
 */
export const ANALYSIS_VERSION = 3;

/** Crashed or timed-out workers are retried this often; a file's own errors are not retried. */
export const ANALYSIS_MAX_ATTEMPTS = 3;

export const analysisPayloadSchema = z.object({ trackId: z.number().int().positive() }).strict();
export type AnalysisPayload = z.infer<typeof analysisPayloadSchema>;

export interface ClaimedAnalysis {
  job: JobRow;
  payload: AnalysisPayload;
}

/** The durable queue of analysis jobs, with payload validation and the attempt limit. */
export class AnalysisQueue {
  constructor(private readonly jobs: JobsRepo) {}

  enqueue(trackId: number): boolean {
    const payload: AnalysisPayload = { trackId };
    return this.jobs.enqueue(ANALYSIS_JOB_KIND, trackId, payload, ANALYSIS_MAX_ATTEMPTS);
  }

  /** The next job with a valid payload; a job whose payload does not validate is failed and skipped. */
  claim(runner: string | null = null): ClaimedAnalysis | null {
    for (;;) {
      const job = this.jobs.claim(ANALYSIS_JOB_KIND, runner);
      if (!job) return null;
      const parsed = analysisPayloadSchema.safeParse(safeJson(job.payload));
      if (parsed.success) return { job, payload: parsed.data };
      this.jobs.fail(job.id, `invalid job payload: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
  }

  complete(job: JobRow): void {
    this.jobs.complete(job.id);
  }

  /**
   * Records a failed attempt. Retryable failures (crash, timeout) go back to the queue until the attempt
   * limit; returns true if the job was given up.
   */
  fail(job: JobRow, error: string, retryable: boolean): boolean {
    if (retryable && job.attempts < job.maxAttempts) {
      this.jobs.retry(job.id, error);
      return false;
    }
    this.jobs.fail(job.id, error);
    return true;
  }

  /** A claimed job the worker gave back unstarted (pause, shutdown): queued again, no attempt counted. */
  release(job: JobRow): void {
    this.jobs.release(job.id);
  }

  /** A claimed job the worker gave back unstarted after a cancel: dropped like the queued ones. */
  drop(job: JobRow): void {
    this.jobs.complete(job.id);
  }

  /** On start-up: jobs a crash left running are queued again, without counting the lost attempt. */
  /** Running jobs of runners that are gone back to the queue (see JobsRepo.requeueOrphaned); returns their track ids. */
  recoverOrphaned(live: readonly string[], includeUnowned: boolean): number[] {
    return this.jobs.requeueOrphaned(live, includeUnowned);
  }

  recoverInterrupted(): number {
    return this.jobs.requeueInterrupted();
  }

  /** Drops all queued jobs (cancel); returns their track ids. */
  dropQueued(): number[] {
    return this.jobs.dropQueued(ANALYSIS_JOB_KIND);
  }

  /** Jobs still to do (queued + running). */
  outstanding(): number {
    const counts = this.jobs.counts(ANALYSIS_JOB_KIND);
    return counts.queued + counts.running;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
