import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../core/ml/backend.js';
import { learningCurve, learningCurveSplit, sampleUpToPerFamily, type CurveClip } from '../../core/ml/learning-curve.js';
import { SeededRandom } from '../../core/ml/random.js';

const CLASSES = 4;

/** 60 artists of 1–4 clips each; some clips have two families, some none. */
function clips(): CurveClip[] {
  const random = new SeededRandom(7);
  const result: CurveClip[] = [];
  for (let artist = 0; artist < 60; artist++) {
    const main = artist % CLASSES;
    const count = 1 + random.int(4);
    for (let k = 0; k < count; k++) {
      const families = k === 3 ? [] : random.next() < 0.2 ? [main, (main + 1) % CLASSES] : [main];
      result.push({ group: `artist:${artist}`, families });
    }
  }
  return result;
}

before(async () => {
  await initBackend();
});

test('the learning-curve split holds out whole artists: none is in both the test set and the training pool', () => {
  const all = clips();
  for (const seed of [1, 2, 3]) {
    const split = learningCurveSplit(all, CLASSES, seed);
    const testArtists = new Set(split.test.map((i) => all[i].group));
    const poolArtists = new Set(split.pool.map((i) => all[i].group));
    assert.equal([...testArtists].filter((artist) => poolArtists.has(artist)).length, 0);
    assert.ok(split.test.length > 0 && split.pool.length > split.test.length, `seed ${seed}: ${split.test.length} test, ${split.pool.length} pool`);
    // Every clip with a family is in exactly one of them; clips with none are in neither.
    const used = [...split.test, ...split.pool].sort((a, b) => a - b);
    assert.deepEqual(used, all.map((_, i) => i).filter((i) => all[i].families.length > 0));
  }
  assert.notDeepEqual(learningCurveSplit(all, CLASSES, 1).test, learningCurveSplit(all, CLASSES, 2).test);
});

test('sampling takes up to N clips per family from the pool, never more, and fills the cap when the pool allows', () => {
  const all = clips();
  const split = learningCurveSplit(all, CLASSES, 1);
  for (const cap of [2, 5, 10]) {
    const taken = sampleUpToPerFamily(all, split.pool, cap, CLASSES, 3);
    const pool = new Set(split.pool);
    assert.ok(taken.every((i) => pool.has(i)), 'a held-out clip was sampled');
    assert.equal(new Set(taken).size, taken.length);
    const counts = new Array<number>(CLASSES).fill(0);
    for (const i of taken) for (const c of all[i].families) counts[c]++;
    assert.ok(counts.every((count) => count <= cap), `cap ${cap}: ${counts.join(', ')}`);
    // Each family has at least `cap` single-family clips in the pool here, so each reaches the cap.
    assert.deepEqual(counts, new Array<number>(CLASSES).fill(cap));
  }
  assert.deepEqual(sampleUpToPerFamily(all, split.pool, 5, CLASSES, 3), sampleUpToPerFamily(all, split.pool, 5, CLASSES, 3));
  assert.notDeepEqual(sampleUpToPerFamily(all, split.pool, 5, CLASSES, 3), sampleUpToPerFamily(all, split.pool, 5, CLASSES, 4));
});

test('the learning curve reports each model per cap over the seeds, and an informative feature beats noise', () => {
  const all = clips();
  const random = new SeededRandom(11);
  // 'signal' encodes the first family (plus noise); 'noise' is pure noise.
  const signal = all.map((clip) => Float64Array.from({ length: 6 }, (_, j) => (clip.families[0] === j % CLASSES ? 2 : 0) + random.normal() * 0.5));
  const noise = all.map(() => Float64Array.from({ length: 6 }, () => random.normal()));
  const points = learningCurve(all, CLASSES, [{ name: 'signal', rows: signal }, { name: 'noise', rows: noise }], [{ name: 'fused', first: 'noise', second: 'signal', weight: 0.5 }], [2, 8], [1, 2, 3], { l2: 1e-2, iterations: 100, learningRate: 0.05, balance: 0.5 });
  assert.deepEqual(points.map((point) => point.cap), [2, 8]);
  for (const point of points) {
    assert.equal(point.runs.length, 3);
    assert.ok(point.runs.every((run) => run.trainClips <= point.cap * CLASSES));
    assert.ok(point.summary.signal.mean > 0.8, `signal ${point.summary.signal.mean}`);
    assert.ok(point.summary.noise.mean < 0.6, `noise ${point.summary.noise.mean}`);
    assert.ok(point.summary.fused.mean > point.summary.noise.mean);
    assert.ok(point.summary.signal.sd >= 0);
  }
});
