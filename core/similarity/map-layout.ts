import { UMAP } from 'umap-js';
import { createDotKernel, KERNEL_LANES, type DotKernel } from './dot-kernel.js';
import { seededUniform } from '../ml/random.js';
import { topK } from './index.js';
import { symmetricEigen } from './linear-algebra.js';

/**
 * The 2D layout of the library map: UMAP (umap-js) of the similarity vectors, made fast enough
 * for an app. umap-js alone spends seconds on 2,000 tracks of 646 dimensions, mostly in its
 * approximate-neighbour search and its 500 epochs. Here:
 *
 * 1. PCA (randomized SVD, Halko et al. 2011, fitted on ≤ 1,000 tracks) brings the vectors down to
 *    `pcaDims` dimensions;
 * 2. UMAP is fitted on at most `sampleSize` tracks, with exact k nearest neighbours computed here
 *    in PCA space (dot products by the WebAssembly SIMD kernel) and `epochs` optimisation epochs;
 * 3. every other track is placed at the distance-weighted mean of its nearest fitted tracks.
 *
 * `npm run bench -- map` measures time and how well neighbourhoods survive. On its 2,000 tracks,
 * 10 neighbours and 100 epochs keep 0.954 of the map's 10 nearest tracks in their cluster against
 * 0.966 with umap-js's 15 and 200, in 55 % of the CPU time. Smaller libraries get up to 300 epochs
 * (see EPOCH_BUDGET). Deterministic for a given input and seed.
 */

export interface MapLayoutOptions {
  /** Tracks UMAP is fitted on; the rest are placed by nearest neighbours. */
  sampleSize?: number;
  /** Dimensions kept by PCA before UMAP. */
  pcaDims?: number;
  nNeighbors?: number;
  /** UMAP optimisation epochs; default: EPOCH_BUDGET / fitted tracks, within [100, 300]. */
  epochs?: number;
  /** Fitted neighbours averaged to place a track outside the sample. */
  placeNeighbors?: number;
  seed?: number;
  /** Called now and then with the fraction done, in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

export const MAP_LAYOUT_DEFAULTS = {
  sampleSize: 3000,
  pcaDims: 32,
  nNeighbors: 10,
  placeNeighbors: 5,
  seed: 1,
} as const;

const PCA_SAMPLE = 1000;
/**
 * Fitted tracks × epochs spent by default: a small library gets more epochs (compact, settled
 * clusters) for the time a large one spends on 100.
 */
const EPOCH_BUDGET = 200_000;

/**
 * x, y per row of `vectors` (n × dim, row-major), scaled into [0, 1] with the aspect ratio kept,
 * as a packed Float32Array (n × 2).
 */
export function layoutLibrary(vectors: Float32Array, dim: number, options: MapLayoutOptions = {}): Float32Array {
  const settings = { ...MAP_LAYOUT_DEFAULTS, ...options };
  const n = vectors.length / dim;
  if (!Number.isInteger(n)) throw new Error(`layoutLibrary: ${vectors.length} values is not a multiple of ${dim}`);
  const progress = options.onProgress ?? (() => undefined);
  const random = seededUniform(settings.seed);
  if (n === 0) return new Float32Array(0);
  // UMAP needs a neighbourhood; a handful of tracks are just spread on a circle.
  if (n <= settings.nNeighbors + 1) return scaleToUnit(circle(n), n);

  const sample = sampleRows(n, settings.sampleSize, random);
  // The principal axes settle on far fewer tracks than UMAP needs: fit them on a sub-sample.
  const pcaSample = sample.length > PCA_SAMPLE ? sampleRows(sample.length, PCA_SAMPLE, random).map((i) => sample[i]) : sample;
  const projected = pcaProject(vectors, dim, pcaSample, Math.min(settings.pcaDims, dim, pcaSample.length - 1), random);
  const k = projected.dims;
  progress(0.1);

  const sampleVectors = new Float32Array(sample.length * k);
  sample.forEach((row, i) => sampleVectors.set(projected.values.subarray(row * k, (row + 1) * k), i * k));
  const knn = exactNeighbours(sampleVectors, sample.length, k, sampleVectors, sample.length, settings.nNeighbors);
  progress(0.2);

  const nEpochs = options.epochs ?? Math.min(300, Math.max(100, Math.round(EPOCH_BUDGET / sample.length)));
  const umap = new UMAP({ nComponents: 2, nNeighbors: settings.nNeighbors, nEpochs, random });
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  const rows: number[][] = [];
  for (let i = 0; i < sample.length; i++) rows.push(Array.from(sampleVectors.subarray(i * k, (i + 1) * k)));
  const epochs = umap.initializeFit(rows);
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (epoch % 20 === 0) progress(0.2 + (0.7 * epoch) / epochs);
  }
  const fitted = umap.getEmbedding();

  const layout = new Float32Array(n * 2);
  const inSample = new Int32Array(n).fill(-1);
  sample.forEach((row, i) => {
    inSample[row] = i;
    layout[row * 2] = fitted[i][0];
    layout[row * 2 + 1] = fitted[i][1];
  });
  const rest = Array.from({ length: n }, (_, row) => row).filter((row) => inSample[row] < 0);
  if (rest.length > 0) {
    const restVectors = new Float32Array(rest.length * k);
    rest.forEach((row, i) => restVectors.set(projected.values.subarray(row * k, (row + 1) * k), i * k));
    const near = exactNeighbours(restVectors, rest.length, k, sampleVectors, sample.length, settings.placeNeighbors);
    rest.forEach((row, i) => {
      let x = 0;
      let y = 0;
      let total = 0;
      near.indices[i].forEach((fittedRow, j) => {
        const weight = 1 / (near.distances[i][j] + 1e-6);
        x += weight * fitted[fittedRow][0];
        y += weight * fitted[fittedRow][1];
        total += weight;
      });
      layout[row * 2] = x / total;
      layout[row * 2 + 1] = y / total;
    });
  }
  progress(1);
  return scaleToUnit(layout, n);
}

/** Up to `size` distinct rows of n, in increasing order (all of them when n ≤ size). */
function sampleRows(n: number, size: number, random: () => number): number[] {
  const rows = Array.from({ length: n }, (_, row) => row);
  if (n <= size) return rows;
  // Partial Fisher-Yates: the first `size` places hold a uniform sample.
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows.slice(0, size).sort((a, b) => a - b);
}

/**
 * Every row projected on the top principal axes of the sample rows: a randomized SVD of the
 * centred sample (range finder with a power iteration, then the eigenvectors of the small
 * B·Bᵀ). Returns n × dims values.
 */
export function pcaProject(
  vectors: Float32Array,
  dim: number,
  sample: readonly number[],
  dims: number,
  random: () => number,
): { values: Float32Array; dims: number } {
  const n = vectors.length / dim;
  const s = sample.length;
  const mean = new Float64Array(dim);
  for (const row of sample) for (let j = 0; j < dim; j++) mean[j] += vectors[row * dim + j] / s;
  const x = new Float64Array(s * dim); // centred sample, s × dim
  sample.forEach((row, i) => {
    for (let j = 0; j < dim; j++) x[i * dim + j] = vectors[row * dim + j] - mean[j];
  });

  const l = Math.min(dims + 8, dim, s);
  let y = new Float64Array(s * l); // s × l
  const omega = Float64Array.from({ length: dim * l }, () => gaussian(random));
  multiply(x, s, dim, omega, l, y);
  orthonormaliseColumns(y, s, l);
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const z = new Float64Array(dim * l);
    multiplyTransposed(x, s, dim, y, l, z); // xᵀ y: dim × l
    orthonormaliseColumns(z, dim, l);
    y = new Float64Array(s * l);
    multiply(x, s, dim, z, l, y);
    orthonormaliseColumns(y, s, l);
  }
  const b = new Float64Array(l * dim); // yᵀ x
  for (let i = 0; i < s; i++) {
    for (let c = 0; c < l; c++) {
      const weight = y[i * l + c];
      if (weight === 0) continue;
      for (let j = 0; j < dim; j++) b[c * dim + j] += weight * x[i * dim + j];
    }
  }
  const gram = new Float64Array(l * l);
  for (let p = 0; p < l; p++) {
    for (let q = p; q < l; q++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += b[p * dim + j] * b[q * dim + j];
      gram[p * l + q] = sum;
      gram[q * l + p] = sum;
    }
  }
  const { values: eigenvalues, vectors: eigenvectors } = symmetricEigen(gram, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((p, q) => eigenvalues[q] - eigenvalues[p]);
  const kept = order.slice(0, dims).filter((i) => eigenvalues[i] > 1e-12);
  // Principal axis = bᵀ w / sqrt(λ), one per kept eigenpair (dim values each).
  const axes = new Float64Array(kept.length * dim);
  kept.forEach((e, a) => {
    const scale = 1 / Math.sqrt(eigenvalues[e]);
    for (let c = 0; c < l; c++) {
      const weight = eigenvectors[c * l + e] * scale;
      for (let j = 0; j < dim; j++) axes[a * dim + j] += weight * b[c * dim + j];
    }
  });

  // axis · (x − mean) = axis · x − axis · mean: one pass of dot products per track.
  const axisScorer = new RowScorer(Float32Array.from(axes), kept.length, dim);
  const meanScores = axisScorer.score(mean, 0).slice();
  const out = new Float32Array(n * kept.length);
  for (let row = 0; row < n; row++) {
    const scores = axisScorer.score(vectors, row * dim);
    for (let a = 0; a < kept.length; a++) out[row * kept.length + a] = scores[a] - meanScores[a];
  }
  return { values: out, dims: kept.length };
}

/** One power iteration sharpens the range enough when the spectrum decays like these vectors' do. */
const POWER_ITERATIONS = 1;

/** out (r × c) = a (r × m) · b (m × c). */
function multiply(a: Float64Array, r: number, m: number, b: Float64Array, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < m; j++) {
      const value = a[i * m + j];
      if (value === 0) continue;
      for (let q = 0; q < c; q++) out[i * c + q] += value * b[j * c + q];
    }
  }
}

/** out (m × c) = aᵀ (m × r) · b (r × c), for a stored r × m. */
function multiplyTransposed(a: Float64Array, r: number, m: number, b: Float64Array, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < m; j++) {
      const value = a[i * m + j];
      if (value === 0) continue;
      for (let q = 0; q < c; q++) out[j * c + q] += value * b[i * c + q];
    }
  }
}

/** Modified Gram-Schmidt on the columns of a (rows × cols); a dependent column becomes zero. */
function orthonormaliseColumns(a: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[i * cols + c] * a[i * cols + p];
      for (let i = 0; i < rows; i++) a[i * cols + c] -= dot * a[i * cols + p];
    }
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += a[i * cols + c] ** 2;
    const scale = squares > 1e-20 ? 1 / Math.sqrt(squares) : 0;
    for (let i = 0; i < rows; i++) a[i * cols + c] *= scale;
  }
}

/**
 * For each query row, its k nearest reference rows by Euclidean distance, nearest first:
 * |q − r|² = |q|² + |r|² − 2 q·r, the dot products by RowScorer.
 */
function exactNeighbours(
  queries: Float32Array,
  queryCount: number,
  dims: number,
  references: Float32Array,
  referenceCount: number,
  k: number,
): { indices: number[][]; distances: number[][] } {
  const scorer = new RowScorer(references, referenceCount, dims);
  const squaredNorms = new Float64Array(referenceCount);
  for (let r = 0; r < referenceCount; r++) {
    for (let j = 0; j < dims; j++) squaredNorms[r] += references[r * dims + j] ** 2;
  }
  // Closeness = 2 q·r − |r|² (= |q|² − distance²): the largest are the nearest.
  const closeness = new Float32Array(referenceCount);
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let q = 0; q < queryCount; q++) {
    let queryNorm = 0;
    for (let j = 0; j < dims; j++) queryNorm += queries[q * dims + j] ** 2;
    const dots = scorer.score(queries, q * dims);
    for (let r = 0; r < referenceCount; r++) closeness[r] = 2 * dots[r] - squaredNorms[r];
    const nearest = topK(closeness, { k });
    indices.push(nearest.map((neighbour) => neighbour.row));
    distances.push(nearest.map((neighbour) => Math.sqrt(Math.max(0, queryNorm - neighbour.score))));
  }
  return { indices, distances };
}

/**
 * Dot products of a query with every row of a fixed matrix (count × dims): the WebAssembly SIMD
 * kernel where the runtime has it, a plain loop otherwise. Rows are zero-padded to the kernel's
 * lane count.
 */
class RowScorer {
  private readonly stride: number;
  private readonly kernel: DotKernel | null;
  private readonly rows: Float32Array;
  private readonly query: Float32Array;
  private readonly scores: Float32Array;

  constructor(
    matrix: Float32Array,
    private readonly count: number,
    private readonly dims: number,
  ) {
    this.stride = Math.ceil(dims / KERNEL_LANES) * KERNEL_LANES;
    const floats = this.stride + count + count * this.stride;
    this.kernel = createDotKernel(floats * 4);
    const buffer = this.kernel ? this.kernel.memory.buffer : new ArrayBuffer(floats * 4);
    this.query = new Float32Array(buffer, 0, this.stride);
    this.scores = new Float32Array(buffer, this.stride * 4, count);
    this.rows = new Float32Array(buffer, (this.stride + count) * 4, count * this.stride);
    for (let r = 0; r < count; r++) this.rows.set(matrix.subarray(r * dims, (r + 1) * dims), r * this.stride);
  }

  /** Scores of the query `source[offset .. offset + dims)`; the array is reused by the next call. */
  score(source: ArrayLike<number>, offset: number): Float32Array {
    for (let j = 0; j < this.dims; j++) this.query[j] = source[offset + j];
    if (this.kernel) {
      this.kernel.scores(this.rows.byteOffset, this.count, this.stride, this.query.byteOffset, this.scores.byteOffset);
    } else {
      for (let r = 0; r < this.count; r++) {
        let sum = 0;
        for (let j = 0; j < this.dims; j++) sum += this.rows[r * this.stride + j] * this.query[j];
        this.scores[r] = sum;
      }
    }
    return this.scores;
  }
}

function circle(n: number): Float32Array {
  const layout = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    layout[i * 2] = Math.cos((2 * Math.PI * i) / n);
    layout[i * 2 + 1] = Math.sin((2 * Math.PI * i) / n);
  }
  return layout;
}

/** Shifts and scales uniformly so the layout fits [0, 1] × [0, 1], centred on the shorter side. */
function scaleToUnit(layout: Float32Array, n: number): Float32Array {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, layout[i * 2]);
    maxX = Math.max(maxX, layout[i * 2]);
    minY = Math.min(minY, layout[i * 2 + 1]);
    maxY = Math.max(maxY, layout[i * 2 + 1]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offsetX = (1 - (maxX - minX) / span) / 2;
  const offsetY = (1 - (maxY - minY) / span) / 2;
  for (let i = 0; i < n; i++) {
    layout[i * 2] = offsetX + (layout[i * 2] - minX) / span;
    layout[i * 2 + 1] = offsetY + (layout[i * 2 + 1] - minY) / span;
  }
  return layout;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

