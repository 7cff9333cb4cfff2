import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  deserializeSpace,
  fitMirStandardization,
  fitSimilaritySpace,
  norm,
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
  const space = fitSimilaritySpace(rows, { zClip: 1 });
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

test('non-finite statistics count as the library mean', () => {
  const space = fitSimilaritySpace([
    [0, 0],
    [2, 4],
  ]);
  const vector = trackVector({ mir: [NaN, 4] }, space);
  assert.deepEqual(Array.from(vector), [0, 1]);
});

test('a space survives its JSON form, unclipped ones included', () => {
  const space = fitSimilaritySpace([
    [1, 2],
    [3, 5],
  ], { zClip: Infinity, embeddingDim: 3, weights: { embedding: 0.3, mir: 0.7 } });
  const restored = deserializeSpace(serializeSpace(space));
  assert.deepEqual(restored, space);
});
