import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosineIndex, topK, type Neighbour } from '../../core/similarity/index.js';
import { seededUniform } from '../../core/ml/random.js';
import { randomVectors } from './similarity-fixtures.js';

/** Every cosine in float64, sorted: the reference the index must reproduce. */
function bruteForce(vectors: Float32Array, dim: number, query: ArrayLike<number>, k: number, skip: (row: number) => boolean): Neighbour[] {
  const n = vectors.length / dim;
  const queryNorm = Math.sqrt(Array.from(query).reduce((sum, v) => sum + v * v, 0));
  const all: Neighbour[] = [];
  for (let row = 0; row < n; row++) {
    if (skip(row)) continue;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      dot += vectors[row * dim + j] * query[j];
      norm += vectors[row * dim + j] ** 2;
    }
    all.push({ row, score: dot / (Math.sqrt(norm) * queryNorm) });
  }
  return all.sort((a, b) => b.score - a.score).slice(0, k);
}

function assertSameNeighbours(actual: Neighbour[], expected: Neighbour[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i].score - expected[i].score) < 1e-5, `rank ${i}: ${actual[i].score} vs ${expected[i].score}`);
    // Float32 rounding may swap two near-equal scores, nothing more.
    if (actual[i].row !== expected[i].row) assert.ok(Math.abs(expected[i].score - actual[i].score) < 1e-5);
  }
  assert.deepEqual(new Set(actual.map((n) => n.row)).size, actual.length, 'no row twice');
}

for (const useSimd of [true, false]) {
  test(`kNN matches brute force on random data (${useSimd ? 'SIMD' : 'plain JS'} scan)`, () => {
    for (const [n, dim] of [[500, 37], [300, 646], [20, 16], [1, 5]] as const) {
      const vectors = randomVectors(n, dim, n * 1000 + dim);
      const index = CosineIndex.fromVectors(vectors, dim, { useSimd });
      if (useSimd) assert.equal(index.usesSimd, true, 'Node ≥ 20 has WebAssembly SIMD');
      const random = seededUniform(dim);
      for (let trial = 0; trial < 5; trial++) {
        const query = Array.from({ length: dim }, () => random() * 2 - 1);
        const k = Math.min(10, n);
        assertSameNeighbours(index.search(query, { k }), bruteForce(vectors, dim, query, k, () => false));
      }
    }
  });
}

test('searchFromRow excludes the seed and honours exclude and accept', () => {
  const dim = 24;
  const vectors = randomVectors(400, dim, 7);
  const index = CosineIndex.fromVectors(vectors, dim);
  const seed = 11;
  const exclude = [3, 5, 8];
  const accept = (row: number) => row % 3 !== 0;
  const actual = index.searchFromRow(seed, { k: 15, exclude, accept });
  const expected = bruteForce(vectors, dim, vectors.subarray(seed * dim, (seed + 1) * dim), 15, (row) => row === seed || exclude.includes(row) || !accept(row));
  assertSameNeighbours(actual, expected);
  assert.ok(actual.every((n) => n.row !== seed && !exclude.includes(n.row) && accept(n.row)));
});

test('an index normalises its rows, so scores are cosines', () => {
  const index = CosineIndex.fromVectors(Float32Array.from([3, 4, 0, 0, 0, 10]), 3);
  assert.ok(Math.abs(index.similarity(0, 0) - 1) < 1e-6);
  assert.ok(Math.abs(index.search([6, 8, 0], { k: 1 })[0].score - 1) < 1e-6);
  assert.deepEqual(Array.from(index.vector(1)), [0, 0, 1]);
});

test('topK returns all rows when k exceeds them, best first, ties by lower row', () => {
  assert.deepEqual(topK([0.5, 0.9, 0.5, NaN, 0.1], { k: 10 }), [
    { row: 1, score: 0.9 },
    { row: 0, score: 0.5 },
    { row: 2, score: 0.5 },
    { row: 4, score: 0.1 },
  ]);
  assert.deepEqual(topK([0.5, 0.5, 0.5], { k: 2 }).map((n) => n.row), [0, 1]);
  assert.deepEqual(topK([1, 2, 3], { k: 0 }), []);
});

test('a query of the wrong length is refused', () => {
  const index = CosineIndex.fromVectors(randomVectors(4, 8, 1), 8);
  assert.throws(() => index.search([1, 2, 3], { k: 1 }), /query of length 3/);
  assert.throws(() => index.vector(4), RangeError);
});
