import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analysisCodeFingerprint } from '../../core/features/code-fingerprint.js';
import { FeatureCache } from '../../core/ml/feature-cache.js';
import { predictLogisticBaseline } from '../../core/ml/baseline.js';
import { trainStatisticsBaseline } from '../../core/ml/experiment.js';
import { fileLogMel, fileTrainingLogMel, trainingWindows, TRAINING_WHOLE_TRACK_SECONDS } from '../../core/ml/features.js';
import { loadTrainingStatistics, statisticsCropStarts } from '../../core/ml/statistics.js';
import { ANALYSIS_HOP_LENGTH } from '../../core/features/analyze.js';
import { synthesize } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

test('training excerpt: short tracks whole (to the cap), long ones three 20-s windows at 20/50/80 %', () => {
  assert.deepEqual(trainingWindows(60), [{ offsetSeconds: 0, durationSeconds: TRAINING_WHOLE_TRACK_SECONDS }]);
  assert.deepEqual(trainingWindows(null), [{ offsetSeconds: 0, durationSeconds: TRAINING_WHOLE_TRACK_SECONDS }]);
  assert.deepEqual(trainingWindows(200), [
    { offsetSeconds: 30, durationSeconds: 20 },
    { offsetSeconds: 90, durationSeconds: 20 },
    { offsetSeconds: 150, durationSeconds: 20 },
  ]);
});

test('feature cache: keyed by analysis version, feature and duration; a hit returns the stored matrix', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'tone.wav');
    synthesize(file, { seconds: 4 });
    const cache = new FeatureCache(path.join(temp.dir, 'cache'));
    assert.match(await analysisCodeFingerprint(), /^[0-9a-f]{12}$/);

    let computed = 0;
    const compute = (value: number) => async () => {
      computed++;
      return { data: Float32Array.of(value, value + 1), nFrames: 1, nBins: 2 };
    };
    assert.deepEqual(Array.from((await cache.getOrCompute(file, 'a', compute(1))).data), [1, 2]);
    assert.deepEqual(Array.from((await cache.getOrCompute(file, 'a', compute(5))).data), [1, 2], 'served from the cache');
    assert.deepEqual(Array.from((await cache.getOrCompute(file, 'b', compute(5))).data), [5, 6], 'another feature name misses');
    assert.equal(computed, 2);

    // The analysis and training excerpts of one file, and of other durations, never share an entry.
    const analysis = await fileLogMel(file, cache, 4);
    const training = await fileTrainingLogMel(file, cache, 4);
    await fileLogMel(file, cache, null);
    assert.equal(readdirSync(path.join(temp.dir, 'cache')).length, 5);
    const frames = Math.floor((4 * 22050) / ANALYSIS_HOP_LENGTH) + 1;
    assert.equal(training.nFrames, frames, 'a 4-s clip is trained on whole');
    assert.ok(analysis.nFrames <= frames);
    assert.deepEqual((await fileTrainingLogMel(file, cache, 4)).data, training.data, 'read back identical');
  } finally {
    temp.cleanup();
  }
});

test('statistics crops: the start, middle and end of the training excerpt, or the whole of a short one', () => {
  assert.deepEqual(statisticsCropStarts(60, 30), [0, 15, 30]);
  assert.deepEqual(statisticsCropStarts(45, 30), [0, 7, 15]);
  assert.deepEqual(statisticsCropStarts(30, 30), [0]);
  assert.deepEqual(statisticsCropStarts(12, 30), [0]);
});

test('training statistics: three 518-statistic crops of a long clip, one of a short clip, cached', async () => {
  const temp = makeTempDir();
  try {
    const long = path.join(temp.dir, 'long.wav');
    const short = path.join(temp.dir, 'short.wav');
    synthesize(long, { source: 'sine=frequency=330', seconds: 33 });
    synthesize(short, { source: 'anoisesrc=color=pink', seconds: 3 });
    const cache = new FeatureCache(path.join(temp.dir, 'cache'));
    const clips = [{ file: long, label: 'a', group: 'x' }, { file: short, label: 'b', group: 'y' }];
    const rows = await loadTrainingStatistics({ clips }, cache);
    assert.deepEqual(rows.map((crops) => crops.length), [3, 1]);
    assert.ok(rows.flat().every((row) => row.length === 518));
    assert.deepEqual(await loadTrainingStatistics({ clips }, cache), rows.map((crops) => crops.map((row) => Float64Array.from(Float32Array.from(row)))));

    // Every crop trains the head with its clip's label: the tone's crops and the noise separate.
    const head = trainStatisticsBaseline(rows, [0, 1], 2);
    assert.equal(head.kernel.length, 518 * 2);
    const predicted = predictLogisticBaseline(head, [...rows[0], rows[1][0]]).map((p) => (p[0] > p[1] ? 0 : 1));
    assert.deepEqual(predicted, [0, 0, 0, 1]);
  } finally {
    temp.cleanup();
  }
});
