import { createDotKernel, KERNEL_LANES, type DotKernel } from './dot-kernel.js';

/**
 * Exact cosine k-nearest neighbours over a packed Float32Array of unit vectors (n × dim): a query
 * is one pass of dot products (WebAssembly SIMD where the runtime has it, plain JS otherwise) and a
 * bounded min-heap of the k best. Measured at 100,000 × 646 in `npm run bench -- similarity`.
 */

export interface Neighbour {
  /** Row of the track in the index. */
  row: number;
  /** Cosine similarity to the query, in [-1, 1]. */
  score: number;
}

export interface SearchOptions {
  k: number;
  /** Rows never returned: the seed(s), tracks already chosen. */
  exclude?: Iterable<number>;
  /** Returns false for rows that must not be returned (a genre filter, another artist). */
  accept?: (row: number) => boolean;
}

export class CosineIndex {
  readonly size: number;
  readonly dim: number;
  /** Row length in memory: dim rounded up to the kernel's lane count, zero-padded. */
  private readonly stride: number;
  private readonly kernel: DotKernel | null;
  private readonly rows: Float32Array;
  private readonly query: Float32Array;
  private readonly scores: Float32Array;

  private constructor(size: number, dim: number, useSimd: boolean) {
    this.size = size;
    this.dim = dim;
    this.stride = Math.max(KERNEL_LANES, Math.ceil(dim / KERNEL_LANES) * KERNEL_LANES);
    const floats = this.stride + size + size * this.stride;
    this.kernel = useSimd ? createDotKernel(floats * 4) : null;
    // One buffer, laid out [query | scores | rows], so the kernel reads and writes it in place.
    const buffer = this.kernel ? this.kernel.memory.buffer : new ArrayBuffer(floats * 4);
    this.query = new Float32Array(buffer, 0, this.stride);
    this.scores = new Float32Array(buffer, this.stride * 4, size);
    this.rows = new Float32Array(buffer, (this.stride + size) * 4, size * this.stride);
  }

  /**
   * Builds an index over `vectors` (n × dim, row-major). Rows are L2-normalised on the way in, so
   * scores are cosines whatever the caller passed. `useSimd: false` forces the plain-JS scan.
   */
  static fromVectors(vectors: Float32Array, dim: number, options: { useSimd?: boolean } = {}): CosineIndex {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`CosineIndex: bad dimension ${dim}`);
    if (vectors.length % dim !== 0) throw new Error(`CosineIndex: ${vectors.length} values is not a multiple of dim ${dim}`);
    const index = new CosineIndex(vectors.length / dim, dim, options.useSimd ?? true);
    for (let row = 0; row < index.size; row++) {
      const source = vectors.subarray(row * dim, (row + 1) * dim);
      const target = index.rows.subarray(row * index.stride, row * index.stride + dim);
      let squares = 0;
      for (let j = 0; j < dim; j++) squares += source[j] * source[j];
      const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
      for (let j = 0; j < dim; j++) target[j] = source[j] * scale;
    }
    return index;
  }

  get usesSimd(): boolean {
    return this.kernel !== null;
  }

  /** A copy of the (normalised) vector at `row`. */
  vector(row: number): Float32Array {
    this.checkRow(row);
    return this.rows.slice(row * this.stride, row * this.stride + this.dim);
  }

  /** Cosine between two indexed tracks. */
  similarity(rowA: number, rowB: number): number {
    this.checkRow(rowA);
    this.checkRow(rowB);
    let sum = 0;
    const a = rowA * this.stride;
    const b = rowB * this.stride;
    for (let j = 0; j < this.dim; j++) sum += this.rows[a + j] * this.rows[b + j];
    return sum;
  }

  /**
   * The cosine of every row with `query` (normalised here). The returned array is a view that the
   * next call overwrites: copy it to keep it.
   */
  scoreAll(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new Error(`CosineIndex: query of length ${query.length}, expected ${this.dim}`);
    let length = 0;
    for (let j = 0; j < this.dim; j++) length += query[j] * query[j];
    const scale = length > 0 ? 1 / Math.sqrt(length) : 0;
    this.query.fill(0);
    for (let j = 0; j < this.dim; j++) this.query[j] = query[j] * scale;

    if (this.kernel) {
      this.kernel.scores(this.rows.byteOffset, this.size, this.stride, this.query.byteOffset, this.scores.byteOffset);
    } else {
      scoreRowsInJs(this.rows, this.size, this.stride, this.query, this.scores);
    }
    return this.scores;
  }

  /** The k rows most similar to `query`, best first. */
  search(query: ArrayLike<number>, options: SearchOptions): Neighbour[] {
    return topK(this.scoreAll(query), options);
  }

  /** The k rows most similar to an indexed track, without the track itself. */
  searchFromRow(row: number, options: SearchOptions): Neighbour[] {
    const exclude = new Set(options.exclude ?? []);
    exclude.add(row);
    return this.search(this.vector(row), { ...options, exclude });
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.size) throw new RangeError(`CosineIndex: no row ${row}`);
  }
}

/** The portable scan, four accumulators so the JIT can overlap the multiplies. */
function scoreRowsInJs(rows: Float32Array, size: number, stride: number, query: Float32Array, out: Float32Array): void {
  for (let row = 0, base = 0; row < size; row++, base += stride) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < stride; j += 4) {
      s0 += rows[base + j] * query[j];
      s1 += rows[base + j + 1] * query[j + 1];
      s2 += rows[base + j + 2] * query[j + 2];
      s3 += rows[base + j + 3] * query[j + 3];
    }
    out[row] = s0 + s1 + s2 + s3;
  }
}

/**
 * The k best-scoring rows, best first (ties: lower row first), skipping excluded or rejected rows.
 * A bounded min-heap keeps the k best seen so far: O(n log k), and the predicate only runs on rows
 * that would enter the heap.
 */
export function topK(scores: ArrayLike<number>, options: SearchOptions): Neighbour[] {
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const exclude = options.exclude instanceof Set ? (options.exclude as Set<number>) : new Set(options.exclude ?? []);
  const accept = options.accept;
  const heapRows = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;

  // Heap order: worst on top; "worse" = lower score, or equal score and higher row.
  const worse = (a: number, b: number) =>
    heapScores[a] < heapScores[b] || (heapScores[a] === heapScores[b] && heapRows[a] > heapRows[b]);
  const swap = (a: number, b: number) => {
    const row = heapRows[a];
    heapRows[a] = heapRows[b];
    heapRows[b] = row;
    const score = heapScores[a];
    heapScores[a] = heapScores[b];
    heapScores[b] = score;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < size && worse(left, worst)) worst = left;
      if (right < size && worse(right, worst)) worst = right;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };

  for (let row = 0; row < scores.length; row++) {
    const score = scores[row];
    if (Number.isNaN(score)) continue;
    if (size === k && score <= heapScores[0]) continue;
    if (exclude.has(row) || (accept && !accept(row))) continue;
    if (size < k) {
      heapRows[size] = row;
      heapScores[size] = score;
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else {
      heapRows[0] = row;
      heapScores[0] = score;
      siftDown(0);
    }
  }

  const result: Neighbour[] = [];
  for (let i = 0; i < size; i++) result.push({ row: heapRows[i], score: heapScores[i] });
  return result.sort((a, b) => b.score - a.score || a.row - b.row);
}
