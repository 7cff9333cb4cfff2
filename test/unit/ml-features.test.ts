import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analysisVersion, FeatureCache } from '../../core/ml/feature-cache.js';
import { fileLogMel, fileTrainingLogMel, trainingWindows, TRAINING_WHOLE_TRACK_SECONDS } from '../../core/ml/features.js';
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
    assert.match(await analysisVersion(), /^[0-9a-f]{12}$/);

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
