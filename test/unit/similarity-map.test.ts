import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symmetricEigen } from '../../core/similarity/linear-algebra.js';
import { layoutLibrary, pcaProject } from '../../core/similarity/map-layout.js';
import { seededUniform } from '../../core/ml/random.js';

test('symmetricEigen finds the eigenpairs of a symmetric matrix', () => {
  const matrix = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
  const { values, vectors } = symmetricEigen(matrix, 3);
  for (let e = 0; e < 3; e++) {
    const v = [0, 1, 2].map((i) => vectors[i * 3 + e]);
    for (let i = 0; i < 3; i++) {
      const mv = [0, 1, 2].reduce((sum, j) => sum + matrix[i * 3 + j] * v[j], 0);
      assert.ok(Math.abs(mv - values[e] * v[i]) < 1e-9, `A v = λ v for eigenpair ${e}`);
    }
  }
  assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 9) < 1e-9, 'the trace is kept');
});

test('pcaProject keeps the distances of data lying on a plane in 40 dimensions', () => {
  const random = seededUniform(5);
  const dim = 40;
  const n = 150;
  const axisA = Float64Array.from({ length: dim }, () => random() - 0.5);
  const axisB = Float64Array.from({ length: dim }, () => random() - 0.5);
  const vectors = new Float32Array(n * dim);
  for (let row = 0; row < n; row++) {
    const a = random() * 4;
    const b = random() * 2;
    for (let j = 0; j < dim; j++) vectors[row * dim + j] = 1 + a * axisA[j] + b * axisB[j];
  }
  const sample = Array.from({ length: 60 }, (_, i) => i * 2);
  const { values, dims } = pcaProject(vectors, dim, sample, 2, random);
  assert.equal(dims, 2);
  const distance = (data: Float32Array, width: number, p: number, q: number) =>
    Math.sqrt(Array.from({ length: width }, (_, j) => (data[p * width + j] - data[q * width + j]) ** 2).reduce((x, y) => x + y, 0));
  for (const [p, q] of [[0, 1], [3, 140], [77, 149], [20, 21]]) {
    assert.ok(Math.abs(distance(values, 2, p, q) - distance(vectors, dim, p, q)) < 1e-3, `rows ${p} and ${q}`);
  }
});

/** n rows of `dim` values in `clusters` separated blobs; row i is in blob i % clusters. */
function blobs(n: number, dim: number, clusters: number): Float32Array {
  const random = seededUniform(9);
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => random() * 10));
  return Float32Array.from({ length: n * dim }, (_, k) => centres[Math.floor(k / dim) % clusters][k % dim] + random());
}

test('layoutLibrary fits a sample, places the rest near their cluster, in [0, 1], the same every time', () => {
  const n = 240;
  const dim = 48;
  const vectors = blobs(n, dim, 4);
  const options = { sampleSize: 100, epochs: 40 };
  const layout = layoutLibrary(vectors, dim, options);
  assert.equal(layout.length, n * 2);
  assert.ok(layout.every((value) => value >= 0 && value <= 1));
  assert.deepEqual(layoutLibrary(vectors, dim, options), layout, 'deterministic');

  // Every track's nearest point on the map is from its own blob: fitted and placed tracks alike.
  let own = 0;
  for (let i = 0; i < n; i++) {
    let nearest = -1;
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      const d = (layout[i * 2] - layout[j * 2]) ** 2 + (layout[i * 2 + 1] - layout[j * 2 + 1]) ** 2;
      if (j !== i && d < best) {
        best = d;
        nearest = j;
      }
    }
    if (nearest % 4 === i % 4) own++;
  }
  assert.equal(own, n);
});

test('layoutLibrary spreads a handful of tracks on a circle and copes with none', () => {
  assert.equal(layoutLibrary(new Float32Array(0), 8).length, 0);
  const layout = layoutLibrary(blobs(5, 8, 2), 8);
  assert.equal(layout.length, 10);
  const points = Array.from({ length: 5 }, (_, i) => `${layout[i * 2].toFixed(3)},${layout[i * 2 + 1].toFixed(3)}`);
  assert.equal(new Set(points).size, 5, 'no two on the same spot');
  assert.ok(layout.every((value) => value >= 0 && value <= 1));
});
