import { describeDatabaseError, isDatabaseBusy } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { BackboneFeaturesRepo } from '../db/repos/backbone-features.js';
import type { FeaturesRepo } from '../db/repos/features.js';
import type { HeadPrediction, PredictionsRepo, StoredPrediction } from '../db/repos/predictions.js';
import type { JobRow } from '../db/repos/jobs.js';
import type { TracksRepo } from '../db/repos/tracks.js';
import type { AnalysisProgress } from '../library/types.js';
import type { AnalyseReply } from '../workers/protocol.js';
import type { AnalysisExecutor } from '../workers/pool.js';
import { ANALYSIS_VERSION, type AnalysisQueue } from './analysis-queue.js';
import type { RunnerRegistry } from './runner-registry.js';

export interface RunnerDeps {
  db: Db;
  queue: AnalysisQueue;
  tracks: TracksRepo;
  features: FeaturesRepo;
  predictions: PredictionsRepo;
  /** Where a pretrained backbone's per-track outputs go; absent, they are not stored. */
  backboneFeatures?: BackboneFeaturesRepo;
  /** The active retrained head (core/retrain): its prediction is shown in place of the shipped model's. */
  activeHead?: { predict(prediction: StoredPrediction): HeadPrediction | null };
  pool: AnalysisExecutor;
  registry: RunnerRegistry;
  /** Called after a track's row changed (claimed, analysed, failed). */
  onTrackChanged(trackId: number): void;
  onProgress(progress: AnalysisProgress): void;
  /** A problem the runner works around (a busy or full database), in words; default: stderr. */
  onError?(message: string): void;
}

/** Results are committed in batches: one transaction per FLUSH_BATCH results or FLUSH_DELAY_MS. */
const FLUSH_BATCH = 32;
const FLUSH_DELAY_MS = 100;
const RATE_WINDOW_MS = 30_000;
const PROGRESS_INTERVAL_MS = 250;
/** How often to look again at jobs another process is running (finished? process gone?). */
const FOREIGN_JOBS_CHECK_MS = 1000;
/** A failed commit or claim is tried again after this, doubling per failure up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 10_000;
/** While closing, a commit that fails this often is given up: its jobs stay queued and are redone. */
const CLOSE_FLUSH_ATTEMPTS = 5;

interface Finished {
  job: JobRow;
  reply: AnalyseReply;
}

/**
 * Moves analysis jobs from the durable queue through the worker pool into the database. It is the
 * only writer of analysis results; a job is deleted in the same transaction that stores its result,
 * so a crash at any point either keeps the result or leaves the job to be redone.
 */
export class AnalysisRunner {
  private paused: boolean;
  private started = false;
  private closing = false;
  /** Jobs at the pool when cancel() was called: given back unstarted, they are dropped, not re-queued. */
  private readonly cancelledAtPool = new Set<number>();
  /** Job ids at the pool (claimed, not yet answered). */
  private readonly atPool = new Set<number>();
  private finished: Finished[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private foreignJobsTimer: NodeJS.Timeout | null = null;
  private retryPumpTimer: NodeJS.Timeout | null = null;
  /** Consecutive failed commits (flush) and claims (pump): they set the backoff. */
  private flushFailures = 0;
  private claimFailures = 0;
  private lastProgressAt = 0;
  private idleWaiters: Array<() => void> = [];
  private session = { done: 0, failed: 0, startedAt: Date.now(), idle: true };
  private completionTimes: number[] = [];

  constructor(
    private readonly deps: RunnerDeps,
    options: { paused?: boolean } = {},
  ) {
    this.paused = options.paused ?? false;
  }

  /**
   * Re-queues what a crash interrupted, then starts on the queue. Jobs another live process is running
   * are left alone; a runner created paused touches no job until resumed, so a read-only
   * `timbre tracks` beside a running scan changes nothing.
   */
  start(): void {
    if (this.paused || this.started) return;
    this.started = true;
    this.deps.db.transaction(() => {
      this.recoverIfAlone();
      this.deps.registry.register();
    })();
    this.pump();
  }

  /**
   * Runs a step started by a timer or a worker's reply: an error there would end the process, so it is
   * reported instead, and the step's caller decides whether to try again.
   */
  private guarded(what: string, step: () => void): void {
    try {
      step();
    } catch (error) {
      this.report(`${what}: ${describeDatabaseError(error)}`);
    }
  }

  private report(message: string): void {
    if (this.deps.onError) this.deps.onError(message);
    else console.error(`timbre: ${message}`);
  }

  /** Starts as many queued jobs as there are idle workers. Call after queueing work. */
  pump(): void {
    if (!this.started) return;
    const { db, queue, tracks, pool } = this.deps;
    while (!this.paused && !this.closing && pool.idle > 0 && !this.retryPumpTimer) {
      let claimed;
      try {
        claimed = this.claimNext();
      } catch (error) {
        this.retryClaimLater(error);
        break;
      }
      this.claimFailures = 0;
      if (!claimed) break;
      if (!claimed.track) continue;
      if (this.session.idle) this.session = { done: 0, failed: 0, startedAt: Date.now(), idle: false };
      this.atPool.add(claimed.job.id);
      this.deps.onTrackChanged(claimed.track.id);
      const { job, track } = claimed;
      void pool.analyse(track.id, track.path).then(
        (reply) => this.guarded('could not take in an analysis result', () => this.onReply(job, reply)),
        (error: unknown) => this.report(`analysis of track ${track.id} failed unexpectedly: ${describeDatabaseError(error)}`),
      );
    }
    this.reportProgress();
    this.checkIdle();
    if (this.atPool.size === 0 && !this.paused && !this.closing && !this.isIdle()) this.watchForeignJobs();
  }

  /** Takes the next queued job and marks its track as being analysed; null when the queue is empty. */
  private claimNext(): { job: JobRow; track: { id: number; path: string } | null } | null {
    const { db, queue, tracks } = this.deps;
    return db.transaction(() => {
      const next = queue.claim(this.deps.registry.key);
      if (!next) return null;
      const track = tracks.fileRow(next.payload.trackId);
      if (!track) {
        queue.complete(next.job);
        return { job: next.job, track: null };
      }
      tracks.setStatus(track.id, 'analysing');
      return { job: next.job, track };
    })();
  }

  /** A claim failed (another process holds the database, a full disk): try again after a backoff. */
  private retryClaimLater(error: unknown): void {
    this.claimFailures++;
    // A busy database is normal beside another process: worth a word only once it lasts.
    if (!isDatabaseBusy(error) || this.claimFailures % 5 === 0) this.report(`could not start the next analysis: ${describeDatabaseError(error)}; trying again`);
    this.retryPumpTimer = setTimeout(() => {
      this.retryPumpTimer = null;
      this.guarded('could not start the next analysis', () => this.pump());
    }, backoffMs(this.claimFailures));
  }

  /**
   * Jobs a killed process left running go back to the queue: those of runners that are gone, even while
   * other processes run (each job records its runner), and, when no other process is alive, any left.
   */
  private recoverIfAlone(): void {
    const { tracks, queue, registry } = this.deps;
    const others = registry.othersAliveKeys();
    if (others.length === 0) {
      tracks.resetInterrupted();
      queue.recoverInterrupted();
      return;
    }
    // This process's own running jobs are its own business (their results may be about to commit).
    tracks.resetAnalysing(queue.recoverOrphaned([...others, registry.key], false));
  }

  /**
   * Nothing to claim, yet jobs are outstanding: another process is running them. Look again shortly,
   * to notice when they are done (so whenIdle resolves) or when that process died (to take them over).
   */
  private watchForeignJobs(): void {
    this.foreignJobsTimer ??= setTimeout(() => {
      this.foreignJobsTimer = null;
      if (this.closing || this.paused) return;
      this.guarded('could not check the jobs of other Timbre processes', () => {
        if (this.atPool.size === 0) this.deps.db.transaction(() => this.recoverIfAlone())();
      });
      this.guarded('could not start the next analysis', () => this.pump());
    }, FOREIGN_JOBS_CHECK_MS);
  }

  /** Starts nothing new; the workers give back the tracks they have not started, which are queued again. */
  pause(): void {
    this.paused = true;
    this.deps.pool.release();
    if (this.foreignJobsTimer) clearTimeout(this.foreignJobsTimer);
    this.foreignJobsTimer = null;
    if (this.retryPumpTimer) clearTimeout(this.retryPumpTimer);
    this.retryPumpTimer = null;
    this.reportProgress(true);
    this.checkIdle();
  }

  resume(): void {
    this.paused = false;
    if (!this.started) this.start();
    this.pump();
    this.reportProgress(true);
  }

  /** Drops every queued job, and those the workers have not started; running analyses finish and are kept. */
  cancel(): void {
    for (const jobId of this.atPool) this.cancelledAtPool.add(jobId);
    this.deps.pool.release();
    const trackIds = this.deps.queue.dropQueued();
    for (const id of trackIds) this.deps.onTrackChanged(id);
    this.reportProgress(true);
    this.checkIdle();
  }

  isIdle(): boolean {
    return this.atPool.size === 0 && this.finished.length === 0 && (this.paused || this.closing || this.deps.queue.outstanding() === 0);
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  progress(): AnalysisProgress {
    const now = Date.now();
    // Finished but not yet committed results still count as outstanding: the counts only move on commit.
    const remaining = this.deps.queue.outstanding();
    const windowStart = Math.max(this.session.startedAt, now - RATE_WINDOW_MS);
    while (this.completionTimes.length && this.completionTimes[0] < now - RATE_WINDOW_MS) this.completionTimes.shift();
    const elapsedSec = (now - windowStart) / 1000;
    const ratePerSec = elapsedSec > 0.5 ? this.completionTimes.length / elapsedSec : 0;
    return {
      done: this.session.done,
      failed: this.session.failed,
      total: this.session.done + this.session.failed + remaining,
      ratePerSec,
      etaSec: remaining === 0 ? 0 : ratePerSec > 0 ? remaining / ratePerSec : null,
      paused: this.paused,
      active: this.atPool.size,
    };
  }

  /**
   * Stops starting jobs, waits for running ones, and commits their results; the workers give back the
   * tracks they have not started, which stay queued for the next run.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.deps.pool.release();
    if (this.retryPumpTimer) clearTimeout(this.retryPumpTimer);
    this.retryPumpTimer = null;
    await this.whenIdle();
    this.flush();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.foreignJobsTimer) clearTimeout(this.foreignJobsTimer);
    if (this.started) this.guarded('could not sign this process off the library', () => this.deps.registry.unregister());
    await this.deps.pool.close();
  }

  private onReply(job: JobRow, reply: AnalyseReply): void {
    this.atPool.delete(job.id);
    this.finished.push({ job, reply });
    // After a failed commit the retry timer is set: results gather until it runs.
    if (this.finished.length >= FLUSH_BATCH && this.flushFailures === 0) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    this.pump();
  }

  /**
   * Commits finished analyses in one transaction. A commit that fails (another process holds the
   * database past the busy timeout, a full disk) keeps the results and tries again after a backoff;
   * while closing it gives up after CLOSE_FLUSH_ATTEMPTS, leaving those jobs queued to be redone.
   */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.finished;
    if (batch.length === 0) return;
    this.finished = [];
    const now = Date.now();
    let counts: { done: number; failed: number };
    try {
      counts = this.commit(batch, now);
    } catch (error) {
      this.finished = batch.concat(this.finished);
      this.flushFailures++;
      const what = `could not save ${batch.length} analysis result${batch.length === 1 ? '' : 's'}: ${describeDatabaseError(error)}`;
      if (this.closing && this.flushFailures >= CLOSE_FLUSH_ATTEMPTS) {
        this.finished = [];
        this.report(`${what}; they stay queued and will be analysed again`);
        this.checkIdle();
        return;
      }
      if (!isDatabaseBusy(error) || this.flushFailures % 5 === 0) this.report(`${what}; trying again`);
      this.flushTimer = setTimeout(() => this.guarded('could not save analysis results', () => this.flush()), backoffMs(this.flushFailures));
      return;
    }
    this.flushFailures = 0;
    for (const { job } of batch) this.cancelledAtPool.delete(job.id);
    this.session.done += counts.done;
    this.session.failed += counts.failed;
    for (const { reply } of batch) {
      if (reply.type !== 'released') this.completionTimes.push(now);
      this.deps.onTrackChanged(reply.trackId);
    }
    // Retried and released jobs went back to the queue: start them (pump also reports progress and idleness).
    this.pump();
  }

  /** Stores a batch of results and settles their jobs, in one transaction; returns how many were done and failed. */
  private commit(batch: readonly Finished[], now: number): { done: number; failed: number } {
    const { db, queue, tracks, features, predictions } = this.deps;
    const counts = { done: 0, failed: 0 };
    db.transaction(() => {
      for (const { job, reply } of batch) {
        const exists = tracks.fileRow(reply.trackId) !== null;
        const cancelled = this.cancelledAtPool.has(job.id);
        if (reply.type === 'released') {
          // Given back unstarted: not an attempt, and no result to count.
          if (cancelled) queue.drop(job);
          else queue.release(job);
          if (exists) tracks.setStatus(reply.trackId, 'pending', null, now);
          continue;
        }
        if (reply.tags && exists) tracks.setTags(reply.trackId, reply.tags, now);
        if (reply.type === 'analysed') {
          if (exists) {
            features.save(reply.trackId, { analysisVersion: ANALYSIS_VERSION, analysedAt: now, ...reply.features });
            if (reply.predictions) predictions.save(reply.trackId, reply.predictions, now, this.deps.activeHead?.predict(reply.predictions) ?? null);
            if (reply.backbone) this.deps.backboneFeatures?.save(reply.trackId, reply.backbone, now);
            tracks.setStatus(reply.trackId, 'done', reply.problem ?? null, now);
          }
          queue.complete(job);
          counts.done++;
        } else if (queue.fail(job, reply.error, reply.retryable)) {
          if (exists) tracks.setStatus(reply.trackId, 'error', reply.error, now);
          counts.failed++;
        } else if (exists) {
          tracks.setStatus(reply.trackId, 'pending', null, now);
        }
      }
    })();
    return counts;
  }

  private reportProgress(force = false): void {
    const now = Date.now();
    if (force || now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      if (this.progressTimer) clearTimeout(this.progressTimer);
      this.progressTimer = null;
      this.lastProgressAt = now;
      this.deps.onProgress(this.progress());
    } else {
      // Throttled: make sure the latest state is still reported.
      this.progressTimer ??= setTimeout(
        () => this.guarded('could not report progress', () => this.reportProgress(true)),
        PROGRESS_INTERVAL_MS - (now - this.lastProgressAt),
      );
    }
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    if (!this.paused && !this.closing) this.session.idle = true;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function backoffMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(failures - 1, 16));
}
