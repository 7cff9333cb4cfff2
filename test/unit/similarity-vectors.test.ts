import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deserializeSpace,
  fitMirStandardization,
  fitMirQuantiles,
  fitSimilaritySpace,
  MIR_LAYOUT,
  mirColumnWeights,
  norm,
  quantileRank,
  serializeSpace,
  trackVector,
  vectorDimension,
} from '../../core/similarity/vectors.js';

const close = (a: number, b: number, tolerance = 1e-6) => assert.ok(Math.abs(a - b) <= tolerance, `${a} vs ${b}`);

test('standardisation: library mean and std per statistic, constant ones get std 1, NaN skipped', () => {
  const { mean, std } = fitMirStandardization([
    [1, 5, 10],
    [3, 5, NaN],
    [5, 5, 20],
  ]);
  assert.deepEqual(Array.from(mean), [3, 5, 15]);
  close(std[0], Math.sqrt(8 / 3));
  assert.equal(std[1], 1);
  close(std[2], 5);
});

test('a MIR-only vector is the normalised z-score, clipped', () => {
  const rows = [
    [0, 0],
    [2, 10],
    [4, 20],
  ];
  const space = fitSimilaritySpace(rows, { zClip: 1, normalisation: 'zscore' });
  assert.equal(vectorDimension(space), 2);
  const vector = trackVector({ mir: [4, 10] }, space);
  close(norm(vector), 1);
  // z = (1.22, 0) → clipped to (1, 0).
  close(vector[0], 1);
  close(vector[1], 0);
  const outlier = trackVector({ mir: [400, 0] }, space);
  close(outlier[0], Math.SQRT1_2);
  close(outlier[1], -Math.SQRT1_2);
});

test('block weights set each side\'s share of the cosine', () => {
  const mirRows = [
    [0, 0, 0],
    [1, 2, 3],
    [2, 0, 1],
  ];
  const space = fitSimilaritySpace(mirRows, { embeddingDim: 4, weights: { embedding: 0.6, mir: 0.8 } });
  assert.equal(vectorDimension(space), 7);
  const vector = trackVector({ mir: [1, 2, 3], embedding: [10, 0, 0, 0] }, space);
  close(norm(vector), 1);
  close(norm(vector.subarray(0, 4)), 0.6);
  close(norm(vector.subarray(4)), 0.8);
  close(vector[0], 0.6);

  const withoutEmbedding = trackVector({ mir: [1, 2, 3] }, space);
  close(norm(withoutEmbedding), 1);
  assert.deepEqual(Array.from(withoutEmbedding.subarray(0, 4)), [0, 0, 0, 0]);
  assert.throws(() => trackVector({ mir: [1, 2, 3], embedding: [1, 2] }, space), /embedding of length 2/);
  assert.throws(() => trackVector({ mir: [1, 2] }, space), /2 MIR values/);
});

test('the genre block is the square root of the probabilities: its cosine is their Bhattacharyya coefficient', () => {
  const space = fitSimilaritySpace([[0], [1], [2]], { genreDim: 2, weights: { embedding: 0, mir: 0.6, genre: 0.8 } });
  assert.equal(vectorDimension(space), 3);
  const a = trackVector({ mir: [2], genreProbabilities: [0.36, 0.64] }, space);
  close(a[0], 0.8 * 0.6);
  close(a[1], 0.8 * 0.8);
  close(norm(a.subarray(2)), 0.6);
  const b = trackVector({ mir: [2], genreProbabilities: [1, 0] }, space);
  // Same MIR, probabilities with Bhattacharyya coefficient √0.36 = 0.6: 0.36 + 0.64 · 0.6.
  close(a.reduce((sum, value, j) => sum + value * b[j], 0), 0.36 + 0.64 * 0.6);
  const none = trackVector({ mir: [2] }, space);
  assert.deepEqual(Array.from(none.subarray(0, 2)), [0, 0]);
  assert.throws(() => trackVector({ mir: [1], genreProbabilities: [1] }, space), /1 genre probabilities, expected 2/);
});

test('non-finite statistics count as the library mean (z-score) or median (rank)', () => {
  const rows = [
    [0, 0],
    [2, 4],
  ];
  const space = fitSimilaritySpace(rows, { normalisation: 'zscore' });
  const vector = trackVector({ mir: [NaN, 4] }, space);
  assert.deepEqual(Array.from(vector), [0, 1]);
  assert.deepEqual(Array.from(trackVector({ mir: [NaN, 4] }, fitSimilaritySpace(rows))), [0, 1]);
});

test('quantiles interpolate between order statistics; ranks interpolate between quantiles', () => {
  // One statistic, values 0, 10, 20, 30, 40: with 5 quantiles they are the values themselves.
  const quantiles = fitMirQuantiles([[40], [0], [20], [10], [30]], 5);
  assert.deepEqual(Array.from(quantiles), [0, 10, 20, 30, 40]);
  assert.deepEqual(Array.from(fitMirQuantiles([[0], [10]], 3)), [0, 5, 10]);
  assert.equal(quantileRank(quantiles, 0, 5, 20), 0.5);
  assert.equal(quantileRank(quantiles, 0, 5, 15), 0.375, 'half-way between the 2nd and 3rd quantile');
  assert.equal(quantileRank(quantiles, 0, 5, -1), 0);
  assert.equal(quantileRank(quantiles, 0, 5, 99), 1);
  assert.equal(quantileRank(quantiles, 0, 5, NaN), 0.5);
});

test('tied values share the middle rank, so ties carry no order of their own', () => {
  // A statistic that is 0 for three tracks of five (e.g. a chroma minimum): quantiles 0, 0, 0, 1, 2.
  const quantiles = fitMirQuantiles([[0], [2], [0], [1], [0]], 5);
  assert.deepEqual(Array.from(quantiles), [0, 0, 0, 1, 2]);
  assert.equal(quantileRank(quantiles, 0, 5, 0), 0.25, 'the middle of quantiles 0..2');
  const constant = fitMirQuantiles([[3], [3], [3]], 3);
  assert.equal(quantileRank(constant, 0, 3, 3), 0.5);
  const space = fitSimilaritySpace([[0, 5], [0, 6], [0, 7]]);
  const vector = trackVector({ mir: [0, 7] }, space);
  close(vector[0], 0, 1e-12);
  close(vector[1], 1);
});

test('rank normalisation: a monotone change of a statistic leaves the vectors unchanged', () => {
  const rows = [
    [1, 10],
    [2, 40],
    [3, 20],
    [4, 30],
  ];
  const squashed = rows.map(([a, b]) => [a, Math.log(b)]);
  const original = fitSimilaritySpace(rows);
  const transformed = fitSimilaritySpace(squashed);
  rows.forEach((row, i) => {
    const a = trackVector({ mir: row }, original);
    const b = trackVector({ mir: squashed[i] }, transformed);
    a.forEach((value, j) => close(value, b[j]));
  });
});

test('group and moment weights: each group is first scaled to the same total weight', () => {
  assert.equal(MIR_LAYOUT.length, 518);
  assert.deepEqual(Array.from(mirColumnWeights({ embedding: 0, mir: 1 }, 3)), [1, 1, 1], 'no group weights: every statistic 1');
  const weights = mirColumnWeights({ embedding: 0, mir: 1, features: { mfcc: 2, zcr: 0 }, moments: { max: 3 } }, 518);
  const total = (feature: string, moment?: string) =>
    MIR_LAYOUT.reduce((sum, cell, j) => (cell.feature === feature && (!moment || cell.moment === moment) ? sum + weights[j] ** 2 : sum), 0);
  // zcr: weight 0; chroma_cqt (84 statistics) and rmse (7) at weight 1 carry the same squared total.
  assert.equal(total('zcr'), 0);
  close(total('chroma_cqt', 'mean') * 7, total('rmse', 'mean') * 7);
  close(total('rmse'), (6 + 9) / 7, 1e-9);
  close(total('mfcc'), (4 * (6 + 9)) / 7, 1e-9);
});

test('a space survives its JSON form, unclipped ones included', () => {
  const space = fitSimilaritySpace([
    [1, 2],
    [3, 5],
  ], { zClip: Infinity, embeddingDim: 3, weights: { embedding: 0.3, mir: 0.7 } });
  const restored = deserializeSpace(serializeSpace(space));
  assert.deepEqual(restored, space);
});
