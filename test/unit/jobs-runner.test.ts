import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { AnalysisRunner } from '../../core/jobs/runner.js';
import { RunnerRegistry } from '../../core/jobs/runner-registry.js';
import { MetaRepo } from '../../core/db/repos/meta.js';
import type { AnalysisProgress } from '../../core/library/types.js';
import type { AnalysisExecutor } from '../../core/workers/pool.js';
import type { AnalyseReply } from '../../core/workers/protocol.js';

type Outcome = 'ok' | { error: string; retryable: boolean };

interface PoolTask {
  trackId: number;
  path: string;
  /** Answered (finished or given back). */
  settled: boolean;
  finish(outcome: Outcome): void;
  giveBack(): void;
}

/**
 * A pool whose analyses finish when the test says so. It holds up to `size` tracks, of which the first
 * `analysing` (in order) count as started; release() gives back the others, like a worker's queue.
 */
class ManualPool implements AnalysisExecutor {
  readonly started: PoolTask[] = [];
  /** Track ids answered 'analysed', in order. */
  readonly analysed: number[] = [];
  constructor(
    private readonly size: number,
    private readonly analysing = size,
  ) {}

  get idle(): number {
    return this.size - this.unsettled().length;
  }

  analyse(trackId: number, path: string): Promise<AnalyseReply> {
    return new Promise((resolve) => {
      const task: PoolTask = {
        trackId,
        path,
        settled: false,
        finish: (outcome) => {
          assert.equal(task.settled, false, `track ${trackId} was answered already`);
          task.settled = true;
          if (outcome === 'ok') this.analysed.push(trackId);
          resolve(
            outcome === 'ok'
              ? {
                  type: 'analysed',
                  seq: 0,
                  trackId,
                  tags: { title: `T${trackId}`, artist: null, album: null, year: null, genres: ['Jazz'], durationSec: 3, bitrate: null, sampleRate: 22050 },
                  features: {
                    fma518: new Float32Array(518).fill(trackId),
                    tempoBpm: 120,
                    melPreview: { bands: 2, frames: 1, secondsPerFrame: 0.02, dbMin: -80, dbMax: 0, data: new Uint8Array([0, 255]) },
                  },
                  predictions: null,
                }
              : { type: 'failed', seq: 0, trackId, error: outcome.error, retryable: outcome.retryable, tags: null },
          );
        },
        giveBack: () => {
          task.settled = true;
          resolve({ type: 'released', seq: 0, trackId });
        },
      };
      this.started.push(task);
    });
  }

  release(): void {
    for (const task of this.unsettled().slice(this.analysing)) task.giveBack();
  }

  unsettled(): PoolTask[] {
    return this.started.filter((task) => !task.settled);
  }

  async close(): Promise<void> {}
}

function setUp(trackCount: number, poolSize: number, db = openDatabase(':memory:'), analysing = poolSize) {
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const tracks = new TracksRepo(db);
  const features = new FeaturesRepo(db);
  const predictions = new PredictionsRepo(db);
  const queue = new AnalysisQueue(new JobsRepo(db));
  for (let i = 1; i <= trackCount; i++) {
    const id = tracks.insert({ folderId: 1, path: `/music/${i}.wav`, size: 1, mtimeMs: 1, fingerprint: null, status: 'pending', error: null });
    queue.enqueue(id);
  }
  const pool = new ManualPool(poolSize, analysing);
  const progress: AnalysisProgress[] = [];
  const runner = new AnalysisRunner({
    db,
    queue,
    tracks,
    features,
    predictions,
    pool,
    registry: new RunnerRegistry(new MetaRepo(db)),
    onTrackChanged: () => undefined,
    onProgress: (p) => progress.push(p),
  });
  return { db, tracks, features, predictions, queue, pool, runner, progress };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('analysis runner', () => {
  it('keeps every worker busy and commits results with their tags and features', async () => {
    const { pool, runner, tracks, features, queue } = setUp(3, 2);
    runner.start();
    assert.equal(pool.started.length, 2, 'one job per worker');
    assert.equal(tracks.summary(1)!.status, 'analysing');
    pool.started[0].finish('ok');
    await settle();
    assert.equal(pool.started.length, 3, 'the freed worker took the next job');
    const done = tracks.summary(1)!;
    assert.equal(done.status, 'done');
    assert.equal(done.title, 'T1');
    assert.deepEqual(done.genres, ['Jazz']);
    assert.equal(done.tempoBpm, 120);
    assert.equal(features.get(1)!.fma518[517], 1);
    pool.started[1].finish('ok');
    pool.started[2].finish('ok');
    await runner.whenIdle();
    assert.equal(queue.outstanding(), 0);
    assert.deepEqual(
      { done: runner.progress().done, failed: runner.progress().failed, total: runner.progress().total },
      { done: 3, failed: 0, total: 3 },
    );
  });

  it('records a readable error for a bad file and goes on', async () => {
    const { pool, runner, tracks } = setUp(2, 1);
    runner.start();
    pool.started[0].finish({ error: 'not a decodable audio file (invalid data)', retryable: false });
    await settle();
    pool.started[1].finish('ok');
    await runner.whenIdle();
    assert.equal(tracks.summary(1)!.status, 'error');
    assert.equal(tracks.summary(1)!.error, 'not a decodable audio file (invalid data)');
    assert.equal(tracks.summary(2)!.status, 'done');
    assert.equal(runner.progress().failed, 1);
  });

  it('retries a crashed worker’s track', async () => {
    const { pool, runner, tracks } = setUp(1, 1);
    runner.start();
    pool.started[0].finish({ error: 'the analysis worker crashed', retryable: true });
    await settle();
    assert.equal(pool.started.length, 2);
    assert.equal(pool.started[1].trackId, 1);
    pool.started[1].finish('ok');
    await runner.whenIdle();
    assert.equal(tracks.summary(1)!.status, 'done');
  });

  it('pauses, resumes and cancels', async () => {
    const { pool, runner, tracks, queue } = setUp(4, 1);
    runner.start();
    runner.pause();
    pool.started[0].finish('ok');
    await runner.whenIdle();
    assert.equal(pool.started.length, 1, 'nothing new starts while paused');
    assert.equal(runner.progress().paused, true);
    runner.resume();
    assert.equal(pool.started.length, 2);
    runner.cancel();
    assert.equal(queue.outstanding(), 1, 'only the running job is left');
    pool.started[1].finish('ok');
    await runner.whenIdle();
    assert.equal(tracks.summary(2)!.status, 'done');
    assert.equal(tracks.summary(3)!.status, 'pending');
  });

  it('pausing gives the unstarted tracks at the workers back to the queue, attempts unchanged; resuming analyses each once', async () => {
    const { db, pool, runner, tracks, queue } = setUp(6, 4, undefined, 1);
    const job = (trackId: number) => db.prepare('SELECT state, attempts FROM jobs WHERE track_id = ?').get(trackId);
    runner.start();
    assert.equal(pool.started.length, 4);
    assert.deepEqual(job(2), { state: 'running', attempts: 1 });
    runner.pause();
    await settle();
    for (const trackId of [2, 3, 4]) {
      assert.deepEqual(job(trackId), { state: 'queued', attempts: 0 }, `track ${trackId}`);
      assert.equal(tracks.summary(trackId)!.status, 'pending');
    }
    assert.deepEqual(job(1), { state: 'running', attempts: 1 }, 'the track being analysed goes on');
    assert.deepEqual(
      { active: runner.progress().active, done: runner.progress().done, total: runner.progress().total },
      { active: 1, done: 0, total: 6 },
    );
    assert.equal(runner.isIdle(), false, 'a pause waits for the track being analysed');
    pool.started[0].finish('ok');
    await runner.whenIdle();
    assert.equal(pool.started.length, 4, 'nothing new starts while paused');

    runner.resume();
    while (queue.outstanding() > 0) {
      for (const task of pool.unsettled()) task.finish('ok');
      await settle();
    }
    await runner.whenIdle();
    assert.deepEqual([...pool.analysed].sort(), [1, 2, 3, 4, 5, 6], 'every track analysed exactly once');
    assert.deepEqual({ done: runner.progress().done, total: runner.progress().total }, { done: 6, total: 6 });
    assert.ok([1, 2, 3, 4, 5, 6].every((trackId) => tracks.summary(trackId)!.status === 'done'));
  });

  it('cancel drops the unstarted tracks at the workers with the queued ones; close keeps them queued', async () => {
    const cancelled = setUp(6, 4, undefined, 1);
    cancelled.runner.start();
    cancelled.runner.cancel();
    cancelled.pool.started[0].finish('ok');
    await cancelled.runner.whenIdle();
    assert.equal(cancelled.queue.outstanding(), 0);
    assert.equal(cancelled.db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((trackId) => cancelled.tracks.summary(trackId)!.status), ['done', 'pending', 'pending', 'pending', 'pending', 'pending']);

    const closed = setUp(6, 4, undefined, 1);
    closed.runner.start();
    const closing = closed.runner.close();
    closed.pool.started[0].finish('ok');
    await closing;
    assert.deepEqual(
      closed.db.prepare('SELECT track_id AS trackId, state, attempts FROM jobs ORDER BY track_id').all(),
      [2, 3, 4, 5, 6].map((trackId) => ({ trackId, state: 'queued', attempts: 0 })),
    );
    assert.deepEqual(closed.pool.analysed, [1]);
  });

  it('reports progress with counts, a rate and an ETA', async () => {
    const { pool, runner, progress } = setUp(4, 1);
    runner.start();
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      pool.started[i].finish('ok');
      await settle();
    }
    const latest = runner.progress();
    assert.equal(latest.done, 2);
    assert.equal(latest.total, 4);
    assert.ok(latest.ratePerSec > 0.5 && latest.ratePerSec < 10, `rate ${latest.ratePerSec}`);
    assert.ok(latest.etaSec !== null && latest.etaSec > 0);
    assert.ok(progress.length > 0, 'progress events were emitted');
    pool.started[2].finish('ok');
    await settle();
    pool.started[3].finish('ok');
    await runner.whenIdle();
    assert.equal(runner.progress().etaSec, 0);
  });

  it('re-queues jobs a crash left running, but not those another live process is running', async () => {
    const db = openDatabase(':memory:');
    const first = setUp(2, 1, db);
    first.runner.start();
    assert.equal(first.queue.outstanding(), 2);
    // A second process on the same library (here: a second runner) must not steal the running job.
    const meta = new MetaRepo(db);
    const second = new AnalysisRunner({ ...first, pool: new ManualPool(1), registry: new RunnerRegistry(meta), onTrackChanged: () => undefined, onProgress: () => undefined });
    second.start();
    assert.equal(first.tracks.summary(1)!.status, 'analysing', 'still owned by the first runner');
    assert.equal(db.prepare(`SELECT count(*) FROM jobs WHERE state = 'running'`).pluck().get(), 2, 'each runner took one job');

    // When the other runners' processes are gone (a crash), their running jobs are queued again.
    const afterCrash = new AnalysisRunner({
      ...first,
      pool: new ManualPool(0),
      registry: new RunnerRegistry(meta, () => false),
      onTrackChanged: () => undefined,
      onProgress: () => undefined,
    });
    afterCrash.start();
    assert.equal(db.prepare(`SELECT count(*) FROM jobs WHERE state = 'queued'`).pluck().get(), 2);
    assert.equal(meta.withPrefix('analysis-runner:').length, 1, 'the dead runners were forgotten');
    // Stop all three (their jobs stay unfinished), so no runner keeps looking for work.
    for (const runner of [first.runner, second, afterCrash]) runner.pause();
  });
});
