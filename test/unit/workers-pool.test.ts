import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudio } from '../../core/audio/decode.js';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';
import { analyzeSignal } from '../../core/features/analyze.js';
import { loadClassifier } from '../../core/ml/classifier.js';
import { WorkerPool, type PoolOptions } from '../../core/workers/pool.js';
import { DECODE_BATCH_SIZE, WORKER_QUEUE_DEPTH, type AnalyseReply } from '../../core/workers/protocol.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { processState, zombieChildren } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const misbehaving = new URL('../helpers/misbehaving-worker.js', import.meta.url);

/** WAV tones of the given lengths in seconds, as tone-N.wav in `dir`. */
function writeTones(dir: string, lengths: number[]): string[] {
  return lengths.map((seconds) => {
    const path = join(dir, `tone-${seconds}.wav`);
    writeWav(path, toneSamples(seconds));
    return path;
  });
}

/** Runs `body` with a one-worker pool and a temporary folder, both closed after. */
async function withPool(body: (pool: WorkerPool, dir: string) => Promise<void>, options: Partial<PoolOptions> = {}): Promise<void> {
  const temp = makeTempDir();
  const pool = new WorkerPool({ size: 1, ...options });
  try {
    await body(pool, temp.dir);
  } finally {
    await pool.close();
    temp.cleanup();
  }
}

/**
 * Runs `body` with a stand-in ffmpeg (TIMBRE_FFMPEG) that runs `prelude` (sh), then the real ffmpeg with
 * the same arguments (its output descriptors are inherited). `body` gets a scratch folder for logs.
 */
async function withStandInFfmpeg(prelude: (scratch: string) => string, body: (scratch: string) => Promise<void>): Promise<void> {
  const temp = makeTempDir();
  const wrapper = join(temp.dir, 'ffmpeg');
  writeFileSync(wrapper, `#!/bin/sh\n${prelude(temp.dir)}\nexec '${resolveFfmpeg().path}' "$@"\n`, { mode: 0o755 });
  const previous = process.env.TIMBRE_FFMPEG;
  process.env.TIMBRE_FFMPEG = wrapper;
  try {
    await body(temp.dir);
  } finally {
    if (previous === undefined) delete process.env.TIMBRE_FFMPEG;
    else process.env.TIMBRE_FFMPEG = previous;
    temp.cleanup();
  }
}

/** The pid a stand-in ffmpeg wrote to `file`, once it has. */
function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

describe('worker pool', () => {
  it('analyses a track in a worker thread and returns features, preview and the genre prediction', () =>
    withPool(async (pool, dir) => {
      const path = join(dir, 'tone.wav');
      writeWav(path, toneSamples(3));
      const reply = await pool.analyse(7, path);
      assert.equal(reply.type, 'analysed', reply.type === 'failed' ? reply.error : '');
      if (reply.type !== 'analysed') return;
      assert.equal(reply.trackId, 7);
      assert.equal(reply.features.fma518.length, 518);
      assert.ok(reply.features.fma518.every(Number.isFinite));
      assert.ok(reply.features.melPreview.frames > 100);
      const prediction = reply.predictions;
      assert.ok(prediction, 'the worker classifies with the shipped model');
      assert.ok(prediction.genre === null || prediction.genre in prediction.probabilities);
      assert.ok(prediction.embedding && prediction.embedding.length > 0);
      assert.ok(prediction.segments.length >= 1 && prediction.segments.every((segment) => segment.end <= 3.01));
      assert.ok(Math.abs(reply.tags!.durationSec! - 3) < 0.01);

      // The shipped model fuses the track's MIR statistics: the worker must hand them over.
      const classifier = await loadClassifier();
      assert.ok(classifier.usesStatistics);
      assert.equal(prediction.unsureThreshold, classifier.unsureThreshold, 'the model’s threshold is stored with its prediction');
      const analysis = analyzeSignal(await decodeAudio(path));
      const fused = classifier.classifyMel(analysis.melDb, analysis.fma518).probabilities;
      const melOnly = classifier.classifyMel(analysis.melDb).probabilities;
      for (const [genre, p] of Object.entries(fused)) assert.ok(Math.abs(prediction.probabilities[genre] - p) < 1e-4, genre);
      assert.ok(Object.entries(melOnly).some(([genre, p]) => Math.abs(prediction.probabilities[genre] - p) > 1e-3));
    }));

  it('analyses queued tracks in decode batches, and a bad file among them gets its own reason', () =>
    withPool(async (pool, dir) => {
      const paths = writeTones(dir, [1, 2, 3]);
      const garbage = join(dir, 'garbage.flac');
      writeFileSync(garbage, Buffer.from('not audio at all '.repeat(100)));
      const replies = await Promise.all([...paths, garbage].map((path, i) => pool.analyse(i + 1, path)));
      assert.deepEqual(replies.map((reply) => reply.trackId), [1, 2, 3, 4]);
      for (const [i, reply] of replies.slice(0, 3).entries()) {
        assert.equal(reply.type, 'analysed', reply.type === 'failed' ? reply.error : '');
        assert.ok(Math.abs(reply.tags!.durationSec! - (i + 1)) < 0.01);
      }
      const bad = replies[3];
      assert.equal(bad.type, 'failed');
      assert.match(bad.type === 'failed' ? bad.error : '', /could not decode the audio: not a decodable audio file/);
    }));

  it('decodes tracks queued together with one ffmpeg process', () =>
    withStandInFfmpeg(
      (scratch) => `echo run >> '${join(scratch, 'runs.log')}'`,
      (scratch) =>
        withPool(async (pool, dir) => {
          const paths = writeTones(dir, [1, 2, 3]);
          const replies = await Promise.all(paths.map((path, i) => pool.analyse(i + 1, path)));
          assert.deepEqual(replies.map((reply) => reply.type), ['analysed', 'analysed', 'analysed']);
          assert.equal(readFileSync(join(scratch, 'runs.log'), 'utf8').split('\n').filter(Boolean).length, 1);
        }),
    ));

  it('blames only the file whose decode hung its batch, and kills and reaps the hung ffmpeg', () =>
    withStandInFfmpeg(
      // Any ffmpeg given hangs.wav records its pid and never ends, as on a stalled network mount.
      (scratch) => `case "$*" in *hangs.wav*) echo $$ >> '${join(scratch, 'hung.pids')}'; exec sleep 60;; esac`,
      (scratch) =>
        withPool(
          async (pool, dir) => {
            const paths = writeTones(dir, [1, 2, 3]);
            const culprit = join(dir, 'hangs.wav');
            writeWav(culprit, toneSamples(2));
            // One batch, the culprit third: the tracks before it used to be blamed first, a timeout each.
            const order = [paths[0], paths[1], culprit, paths[2]];
            const replies = await Promise.all(order.map((path, i) => pool.analyse(i + 1, path)));
            assert.deepEqual(
              replies.map((reply) => (reply.type === 'failed' ? [reply.trackId, reply.retryable, reply.error] : [reply.trackId, reply.type])),
              [[1, 'analysed'], [2, 'analysed'], [3, true, 'decoding took longer than 3 s and was stopped'], [4, 'analysed']],
              'only a failed reply costs an attempt (core/jobs/runner.ts): the innocent tracks are analysed, unblamed',
            );
            const hungRuns = () => readFileSync(join(scratch, 'hung.pids'), 'utf8').split('\n').filter(Boolean).map(Number);
            assert.equal(hungRuns().length, 2, "the batch's ffmpeg, then the culprit's own");

            // A retry of the culprit is decoded alone from the start: if it hangs again it costs one timeout, not two.
            const retried = await Promise.all([culprit, paths[0]].map((path, i) => pool.analyse(5 + i, path)));
            assert.deepEqual(retried.map((reply) => reply.type), ['failed', 'analysed']);
            const hung = hungRuns();
            assert.equal(hung.length, 3);
            // Killed by the workers that ran them, which reap them: a process killed only by pid stays a zombie.
            await waitFor('the hung ffmpeg processes to be killed and reaped', () => hung.every((pid) => processState(pid) === ''), 2000);
            assert.deepEqual(zombieChildren(), []);
          },
          // Long enough for a cold worker to load the genre model and analyse a track on a busy machine.
          { taskTimeoutMs: 3000 },
        ),
    ));

  it('release gives back the queued tracks a worker has not started; it keeps serving after', () =>
    withPool(async (pool, dir) => {
      const paths = writeTones(dir, Array.from({ length: WORKER_QUEUE_DEPTH }, (_, i) => 1 + i / 8));
      const replies: AnalyseReply[] = [];
      const answered = paths.map((path, i) =>
        pool.analyse(i + 1, path).then((reply) => {
          // Release as soon as the first track is done: the worker is then analysing the first batch.
          if (replies.push(reply) === 1) pool.release();
          return reply;
        }),
      );
      const inOrder = await Promise.all(answered);
      const types = inOrder.map((reply) => reply.type);
      const analysed = types.filter((type) => type === 'analysed').length;
      assert.ok(types.every((type) => type !== 'failed'), types.join());
      assert.deepEqual(types, [...Array(analysed).fill('analysed'), ...Array(types.length - analysed).fill('released')], 'tracks are analysed in order, the rest given back');
      assert.ok(analysed <= DECODE_BATCH_SIZE, `at most the batch being analysed finishes, not the queue (${analysed} analysed)`);
      assert.deepEqual(inOrder.map((reply) => reply.trackId), paths.map((_, i) => i + 1));
      assert.equal(pool.idle, WORKER_QUEUE_DEPTH);
      const again = await pool.analyse(99, paths[WORKER_QUEUE_DEPTH - 1]);
      assert.equal(again.type, 'analysed');
    }));

  it('release stops a batch being decoded and gives its tracks back at once, its ffmpeg reaped', () =>
    withStandInFfmpeg(
      // An ffmpeg given slow.wav takes far longer than a pause may wait, as on a slow network mount.
      (scratch) => `case "$*" in *slow.wav*) echo $$ > '${join(scratch, 'slow.pid')}'; exec sleep 20;; esac`,
      (scratch) =>
        withPool(
          async (pool, dir) => {
            const [first, last] = writeTones(dir, [1, 2]);
            const slow = join(dir, 'slow.wav');
            writeWav(slow, toneSamples(1));
            const answers = Promise.all([first, slow, last].map((path, i) => pool.analyse(i + 1, path)));
            const pid = await waitFor('the batch ffmpeg to start', () => pidIn(join(scratch, 'slow.pid')));

            const releasedAt = Date.now();
            pool.release();
            let timer: NodeJS.Timeout | undefined;
            const late = new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('release waited for the batch decode')), 5000);
            });
            const replies = await Promise.race([answers, late]).finally(() => clearTimeout(timer));
            const waited = Date.now() - releasedAt;
            assert.deepEqual(replies.map((reply) => [reply.trackId, reply.type]), [[1, 'released'], [2, 'released'], [3, 'released']]);
            assert.ok(waited < 2000, `release answered after ${waited} ms`);
            assert.equal(processState(pid), '', 'the stopped ffmpeg has been reaped');
            assert.deepEqual(zombieChildren(), []);
            assert.equal(pool.idle, WORKER_QUEUE_DEPTH);
            assert.equal((await pool.analyse(4, first)).type, 'analysed', 'the worker keeps serving');
          },
          // No timeout may step in: the release alone must stop the decode.
          { taskTimeoutMs: 60_000 },
        ),
    ));

  it('matches replies by sequence number', async () => {
    const pool = new WorkerPool({ size: 1, workerUrl: misbehaving });
    try {
      const reply = await pool.analyse(1, 'fine');
      assert.equal(reply.type === 'failed' && reply.error, 'echo fine');
    } finally {
      await pool.close();
    }
  });

  it('answers a crashed or exited worker’s track with a retryable failure and keeps serving', async () => {
    const pool = new WorkerPool({ size: 1, workerUrl: misbehaving });
    try {
      const crashed = await pool.analyse(1, 'throw');
      assert.deepEqual([crashed.type, crashed.type === 'failed' && crashed.retryable], ['failed', true]);
      assert.match(crashed.type === 'failed' ? crashed.error : '', /analysis worker crashed: boom/);
      const exited = await pool.analyse(2, 'exit');
      assert.match(exited.type === 'failed' ? exited.error : '', /exited unexpectedly/);
      assert.equal(pool.idle, WORKER_QUEUE_DEPTH);
      const after = await pool.analyse(3, 'fine');
      assert.equal(after.type === 'failed' && after.error, 'echo fine');
    } finally {
      await pool.close();
    }
  });

  it('gives the tracks queued behind a crashed or hung one to the replacement worker', async () => {
    const pool = new WorkerPool({ size: 1, workerUrl: misbehaving, taskTimeoutMs: 300 });
    try {
      for (const culprit of ['throw', 'hang']) {
        const replies = await Promise.all([culprit, 'first', 'second'].map((path, i) => pool.analyse(i + 1, path)));
        assert.deepEqual(
          replies.map((reply) => (reply.type === 'failed' ? [reply.retryable, reply.error.replace(/:.*| took.*/, '')] : reply.type)),
          [[true, culprit === 'throw' ? 'the analysis worker crashed' : 'analysis'], [false, 'echo first'], [false, 'echo second']],
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('gives back, rather than passing on, the released tracks of a worker it replaces', async () => {
    const pool = new WorkerPool({ size: 1, workerUrl: misbehaving, taskTimeoutMs: 300 });
    try {
      const answers = [1, 2, 3].map((trackId) => pool.analyse(trackId, 'hang'));
      pool.release();
      const replies = await Promise.all(answers);
      assert.deepEqual(
        replies.map((reply) => [reply.trackId, reply.type]),
        [[1, 'failed'], [2, 'released'], [3, 'released']],
      );
    } finally {
      await pool.close();
    }
  });

  it('stops a track that takes too long', async () => {
    const pool = new WorkerPool({ size: 1, workerUrl: misbehaving, taskTimeoutMs: 200 });
    try {
      const reply = await pool.analyse(1, 'hang');
      assert.equal(reply.type === 'failed' && reply.retryable, true);
      assert.match(reply.type === 'failed' ? reply.error : '', /took longer than/);
    } finally {
      await pool.close();
    }
  });
});
