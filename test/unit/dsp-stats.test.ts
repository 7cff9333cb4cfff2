import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianBySelection, medianOf, momentsOf } from '../../core/dsp/stats.js';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

test('momentsOf: FMA feature_stats on hand-computed examples', () => {
  // [1, 2, 3, 4]: deviations ±1.5, ±0.5; m2 = 1.25, m4 = 2.5625.
  const symmetric = momentsOf([4, 1, 3, 2]);
  close(symmetric.mean, 2.5, 'mean');
  close(symmetric.std, Math.sqrt(1.25), 'std (ddof 0)');
  close(symmetric.skew, 0, 'skew');
  close(symmetric.kurtosis, 2.5625 / 1.25 ** 2 - 3, 'excess kurtosis');
  close(symmetric.median, 2.5, 'median');
  assert.equal(symmetric.min, 1);
  assert.equal(symmetric.max, 4);

  // [0, 0, 0, 1]: m2 = 3/16, m3 = 3/32, m4 = 21/256.
  const skewed = momentsOf([0, 0, 1, 0]);
  close(skewed.mean, 0.25, 'mean');
  close(skewed.skew, 3 / 32 / (3 / 16) ** 1.5, 'skew (biased)');
  close(skewed.kurtosis, 21 / 256 / (3 / 16) ** 2 - 3, 'kurtosis (biased, Fisher)');
  close(skewed.median, 0, 'median');

  // A constant row: scipy says NaN; we report 0 so the vector stays JSON-safe.
  const flat = momentsOf([2, 2, 2]);
  assert.deepEqual([flat.std, flat.skew, flat.kurtosis], [0, 0, 0]);
  assert.throws(() => momentsOf([]));
});

function medianBySorting(values: Float32Array | Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

test('medianBySelection agrees with sorting, for odd and even lengths and duplicates', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (const length of [1, 2, 3, 4, 5, 10, 127, 128, 1000, 1293]) {
    for (const levels of [3, 1e9]) {
      const values = Float64Array.from({ length }, () => Math.floor(random() * levels) / 7);
      assert.equal(medianOf(values), medianBySorting(values), `length ${length}`);
      const singles = Float32Array.from(values);
      assert.equal(medianBySelection(Float64Array.from(singles)), medianBySorting(singles), `float32 values, length ${length}`);
    }
  }
  assert.throws(() => medianBySelection(new Float64Array(0)));
});
