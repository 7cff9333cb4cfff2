import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { ANALYSIS_JOB_KIND, ANALYSIS_MAX_ATTEMPTS, AnalysisQueue } from '../../core/jobs/analysis-queue.js';

function libraryWithTracks(count: number): Db {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const insert = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  for (let id = 1; id <= count; id++) insert.run(id, `/music/${id}.mp3`);
  return db;
}

describe('analysis job queue', () => {
  let db: Db;
  let jobs: JobsRepo;
  let queue: AnalysisQueue;
  beforeEach(() => {
    db = libraryWithTracks(3);
    jobs = new JobsRepo(db);
    queue = new AnalysisQueue(jobs);
  });

  it('hands out jobs oldest first, counting each attempt', () => {
    queue.enqueue(2);
    queue.enqueue(1);
    const first = queue.claim()!;
    assert.deepEqual(first.payload, { trackId: 2 });
    assert.equal(first.job.attempts, 1);
    assert.equal(first.job.state, 'running');
    assert.deepEqual(queue.claim()!.payload, { trackId: 1 });
    assert.equal(queue.claim(), null);
    assert.equal(queue.outstanding(), 2);
  });

  it('keeps one job per track: queueing again does not duplicate it', () => {
    queue.enqueue(1);
    queue.enqueue(1);
    assert.equal(queue.outstanding(), 1);
  });

  it('retries crashes up to the attempt limit, then records the failure', () => {
    queue.enqueue(1);
    for (let attempt = 1; attempt < ANALYSIS_MAX_ATTEMPTS; attempt++) {
      const { job } = queue.claim()!;
      assert.equal(queue.fail(job, 'worker crashed', true), false, `attempt ${attempt} is retried`);
    }
    const { job } = queue.claim()!;
    assert.equal(job.attempts, ANALYSIS_MAX_ATTEMPTS);
    assert.equal(queue.fail(job, 'worker crashed again', true), true);
    assert.equal(queue.claim(), null);
    const row = jobs.get(job.id)!;
    assert.equal(row.state, 'failed');
    assert.equal(row.lastError, 'worker crashed again');
  });

  it("gives up at once on the file's own errors", () => {
    queue.enqueue(1);
    const { job } = queue.claim()!;
    assert.equal(queue.fail(job, 'not a decodable audio file', false), true);
    assert.equal(jobs.get(job.id)!.state, 'failed');
  });

  it('re-queues jobs a crash left running, without charging the lost attempt', () => {
    queue.enqueue(1);
    queue.claim();
    // A new process starts on the same database.
    const restarted = new AnalysisQueue(new JobsRepo(db));
    assert.equal(restarted.recoverInterrupted(), 1);
    const { job } = restarted.claim()!;
    assert.equal(job.attempts, 1);
  });

  it('completing deletes the job; cancelling drops only queued ones', () => {
    queue.enqueue(1);
    queue.enqueue(2);
    queue.enqueue(3);
    const running = queue.claim()!;
    assert.deepEqual(queue.dropQueued().sort(), [2, 3]);
    assert.equal(queue.outstanding(), 1);
    queue.complete(running.job);
    assert.equal(queue.outstanding(), 0);
  });

  it('fails and skips a job whose payload does not validate', () => {
    db.prepare(
      `INSERT INTO jobs (kind, track_id, payload, max_attempts, created_at, updated_at) VALUES (?, 1, '{"trackId":"one"}', 3, 0, 0)`,
    ).run(ANALYSIS_JOB_KIND);
    queue.enqueue(2);
    assert.deepEqual(queue.claim()!.payload, { trackId: 2 });
    const bad = db.prepare(`SELECT state, last_error AS lastError FROM jobs WHERE track_id = 1`).get() as { state: string; lastError: string };
    assert.equal(bad.state, 'failed');
    assert.match(bad.lastError, /invalid job payload/);
  });
});
