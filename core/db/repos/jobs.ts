import type { Db } from '../open.js';

export type JobState = 'queued' | 'running' | 'failed';

export interface JobRow {
  id: number;
  kind: string;
  trackId: number | null;
  /** JSON text; validated by the job kind's schema (core/jobs/) when claimed. */
  payload: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

const JOB_COLUMNS = `id, kind, track_id AS trackId, payload, state, attempts, max_attempts AS maxAttempts, last_error AS lastError`;

/** The durable job queue's storage. Claiming counts an attempt; a job survives crashes as a row. */
export class JobsRepo {
  private readonly enqueueStmt;
  private readonly claimStmt;
  private readonly deleteStmt;
  private readonly retryStmt;
  private readonly failStmt;
  private readonly requeueRunningStmt;
  private readonly releaseStmt;
  private readonly deleteQueuedStmt;
  private readonly requeueOrphanedStmt;
  private readonly countsStmt;
  private readonly getStmt;

  constructor(db: Db) {
    // A track has at most one job of a kind: re-queuing an existing one resets it.
    this.enqueueStmt = db.prepare(`
      INSERT INTO jobs (kind, track_id, payload, state, attempts, max_attempts, created_at, updated_at)
      VALUES (@kind, @trackId, @payload, 'queued', 0, @maxAttempts, @now, @now)
      ON CONFLICT (kind, track_id) DO UPDATE SET
        payload = excluded.payload, state = 'queued', attempts = 0, max_attempts = excluded.max_attempts,
        last_error = NULL, updated_at = excluded.updated_at
      WHERE jobs.state <> 'running'`);
    this.claimStmt = db.prepare(`
      UPDATE jobs SET state = 'running', attempts = attempts + 1, runner = @runner, updated_at = @now
      WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND kind = @kind ORDER BY id LIMIT 1)
      RETURNING ${JOB_COLUMNS}`);
    this.deleteStmt = db.prepare('DELETE FROM jobs WHERE id = ?');
    this.retryStmt = db.prepare(`UPDATE jobs SET state = 'queued', last_error = ?, updated_at = ? WHERE id = ?`);
    this.failStmt = db.prepare(`UPDATE jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?`);
    // An interrupted attempt was not the job's fault: it does not count against the attempt limit.
    this.requeueRunningStmt = db.prepare(
      `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), updated_at = ? WHERE state = 'running'`,
    );
    // Running jobs whose runner is not among the live ones (a JSON array); unowned ones (claimed before
    // jobs had a runner) only when `unowned` is 1, i.e. when no other process is alive.
    this.requeueOrphanedStmt = db.prepare(`
      UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), runner = NULL, updated_at = @now
      WHERE state = 'running'
        AND ((runner IS NULL AND @unowned = 1) OR (runner IS NOT NULL AND runner NOT IN (SELECT value FROM json_each(@live))))
      RETURNING track_id`).pluck();
    this.releaseStmt = db.prepare(
      `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), updated_at = ? WHERE id = ? AND state = 'running'`,
    );
    this.deleteQueuedStmt = db.prepare(`DELETE FROM jobs WHERE state = 'queued' AND kind = ? RETURNING track_id`).pluck();
    this.countsStmt = db.prepare('SELECT state, count(*) AS n FROM jobs WHERE kind = ? GROUP BY state');
    this.getStmt = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`);
  }

  /** Queues a job (or re-queues the track's existing one); returns whether anything changed. */
  enqueue(kind: string, trackId: number, payload: unknown, maxAttempts: number, now = Date.now()): boolean {
    return this.enqueueStmt.run({ kind, trackId, payload: JSON.stringify(payload), maxAttempts, now }).changes > 0;
  }

  /** Takes the oldest queued job of `kind`, marking it running and counting the attempt. */
  claim(kind: string, runner: string | null = null, now = Date.now()): JobRow | null {
    return (this.claimStmt.get({ kind, runner, now }) as JobRow | undefined) ?? null;
  }

  /**
   * Running jobs of processes that are gone go back to the queue; returns their track ids. `live`: the
   * runners still alive; `includeUnowned`: also jobs with no runner recorded.
   */
  requeueOrphaned(live: readonly string[], includeUnowned: boolean, now = Date.now()): number[] {
    return this.requeueOrphanedStmt.all({ live: JSON.stringify(live), unowned: includeUnowned ? 1 : 0, now }) as number[];
  }

  get(id: number): JobRow | null {
    return (this.getStmt.get(id) as JobRow | undefined) ?? null;
  }

  /** The job is finished; its results live elsewhere. */
  complete(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Back to the queue for another attempt, remembering why this one failed. */
  retry(id: number, error: string, now = Date.now()): void {
    this.retryStmt.run(error, now, id);
  }

  /** Gives up on the job; it stays as a record of the failure. */
  fail(id: number, error: string, now = Date.now()): void {
    this.failStmt.run(error, now, id);
  }

  /** After a crash: jobs left running go back to the queue. */
  requeueInterrupted(now = Date.now()): number {
    return this.requeueRunningStmt.run(now).changes;
  }

  /** A running job given back unstarted: queued again, its claim not counted as an attempt. */
  release(id: number, now = Date.now()): void {
    this.releaseStmt.run(now, id);
  }

  /** Drops every queued job of `kind`; returns the affected track ids. */
  dropQueued(kind: string): number[] {
    return this.deleteQueuedStmt.all(kind) as number[];
  }

  counts(kind: string): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, failed: 0 };
    for (const row of this.countsStmt.all(kind) as Array<{ state: JobState; n: number }>) counts[row.state] = row.n;
    return counts;
  }
}
