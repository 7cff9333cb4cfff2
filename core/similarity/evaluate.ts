import { MOMENTS } from '../dsp/stats.js';
import { FMA518_FEATURES } from '../features/fma518.js';
import { CosineIndex } from './index.js';
import { MIR_LAYOUT, type VectorWeights } from './vectors.js';

/**
 * Leave-one-out retrieval quality of a set of vectors: for each clip, its k nearest other clips,
 * and the fraction that share its label (genre precision@k). With `excludeSameGroup`, clips of the
 * query's own group (artist) are not eligible as neighbours, so an artist's sound cannot stand in
 * for the genre.
 */
export interface PrecisionReport {
  k: number;
  /** Mean precision over the queries. */
  precision: number;
  /** Mean precision over the queries of each label. */
  perLabel: Record<string, number>;
  /** How many clips were queries. */
  queries: number;
  /** Queries that had fewer than k eligible neighbours (precision taken over those found). */
  shortQueries: number;
}

export interface PrecisionOptions {
  excludeSameGroup?: boolean;
  /** Rows that are queries (default: all); every other row may be a neighbour. */
  queries?: readonly number[];
  /**
   * Whether a neighbour counts as a hit for a query (default: the same label). Multi-label data (a clip
   * in several genre families) counts a neighbour sharing any of the query's.
   */
  relevant?: (query: number, neighbour: number) => boolean;
}

export function precisionAtK(
  index: CosineIndex,
  labels: readonly string[],
  groups: readonly string[],
  k: number,
  options: PrecisionOptions = {},
): PrecisionReport {
  if (labels.length !== index.size || groups.length !== index.size) {
    throw new Error(`precisionAtK: ${labels.length} labels and ${groups.length} groups for ${index.size} vectors`);
  }
  const queries = options.queries ?? labels.map((_, row) => row);
  const sums = new Map<string, { total: number; count: number }>();
  let total = 0;
  let shortQueries = 0;
  for (const query of queries) {
    const group = groups[query];
    const accept = options.excludeSameGroup ? (row: number) => groups[row] !== group : undefined;
    const neighbours = index.searchFromRow(query, { k, accept });
    if (neighbours.length < k) shortQueries++;
    const relevant = options.relevant;
    const hits = neighbours.filter((neighbour) => (relevant ? relevant(query, neighbour.row) : labels[neighbour.row] === labels[query])).length;
    const precision = neighbours.length > 0 ? hits / neighbours.length : 0;
    total += precision;
    const sum = sums.get(labels[query]) ?? { total: 0, count: 0 };
    sum.total += precision;
    sum.count++;
    sums.set(labels[query], sum);
  }
  const perLabel: Record<string, number> = {};
  for (const [label, sum] of [...sums].sort(([a], [b]) => a.localeCompare(b))) perLabel[label] = sum.total / sum.count;
  return { k, precision: queries.length > 0 ? total / queries.length : 0, perLabel, queries: queries.length, shortQueries };
}

/** Weights tried for each feature group and each moment inside the MIR block. */
export const GROUP_WEIGHT_GRID = [0, 0.25, 0.5, 1, 2, 4, 8];
/** Embedding block weights tried (w_mir = 1 − w_embedding). */
export const EMBEDDING_WEIGHT_GRID = [0, 0.2, 0.35, 0.5, 0.65, 0.8];
/** Genre-probability block weights tried (beside w_mir). */
export const GENRE_WEIGHT_GRID = [0, 0.1, 0.2, 0.35, 0.5, 0.75, 1];
/** Passes of coordinate ascent over all weights. */
const SEARCH_ROUNDS = 2;

export interface WeightSearchOptions {
  k: number;
  /** Rows whose precision is maximised, and rows that may be their neighbours. */
  queries: readonly number[];
  candidates: readonly number[];
  /** Search the embedding block's weight (else it stays 0). */
  withEmbedding: boolean;
  /** Search the genre-probability block's weight (else it stays 0). */
  withGenre?: boolean;
}

export interface WeightSearchResult {
  weights: VectorWeights;
  /** Genre precision@k, same group excluded, of the queries at those weights. */
  precision: number;
  evaluations: number;
}

/**
 * Fast precision@k of weighted vectors for a weight search over a small labelled set (hundreds of
 * clips): the cosine of two clips' MIR blocks is a weighted sum of per-(group, moment) dot products,
 * so those n × n partial Gram matrices are computed once and each weighting costs one pass over
 * them instead of building vectors. Objective: precision with same-group neighbours excluded.
 */
export class WeightSearch {
  private readonly n: number;
  /** cells[c]: n × n dot products over the statistics of (feature group, moment) cell c. */
  private readonly cells: Float32Array[];
  private readonly embeddingCosine: Float32Array | null;
  private readonly genreCosine: Float32Array | null;

  /**
   * @param mir each clip's MIR statistics on the space's scale (normaliseMir), FMA518 order
   * @param embeddings each clip's embedding, or null where absent (all null: MIR only)
   * @param genreProbabilities each clip's genre probabilities, or null where absent
   */
  constructor(
    mir: readonly Float64Array[],
    embeddings: ReadonlyArray<ArrayLike<number> | null>,
    private readonly labels: readonly string[],
    private readonly groups: readonly string[],
    genreProbabilities: ReadonlyArray<ArrayLike<number> | null> = [],
  ) {
    this.n = mir.length;
    const cellCount = FMA518_FEATURES.length * MOMENTS.length;
    const cellOf = MIR_LAYOUT.map(({ feature, moment }) => cellIndex(feature, moment));
    this.cells = Array.from({ length: cellCount }, () => new Float32Array(this.n * this.n));
    const partial = new Float64Array(cellCount);
    for (let i = 0; i < this.n; i++) {
      for (let j = i; j < this.n; j++) {
        partial.fill(0);
        const a = mir[i];
        const b = mir[j];
        for (let s = 0; s < a.length; s++) partial[cellOf[s]] += a[s] * b[s];
        for (let c = 0; c < cellCount; c++) {
          this.cells[c][i * this.n + j] = partial[c];
          this.cells[c][j * this.n + i] = partial[c];
        }
      }
    }
    this.embeddingCosine = this.cosines(embeddings.map((embedding) => (embedding ? unit(embedding) : null)));
    // The genre block is √p (trackVector): its cosine is the Bhattacharyya coefficient.
    this.genreCosine = this.cosines(genreProbabilities.map((p) => (p ? unit(Array.from(p, (value) => Math.sqrt(Math.max(0, value)))) : null)));
  }

  /** n × n dot products of unit rows (0 where a row is absent); null when every row is. */
  private cosines(units: ReadonlyArray<Float64Array | null>): Float32Array | null {
    if (!units.some((row) => row)) return null;
    const out = new Float32Array(this.n * this.n);
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < this.n; j++) {
        const a = units[i];
        const b = units[j];
        let dot = 0;
        if (a && b) for (let s = 0; s < a.length; s++) dot += a[s] * b[s];
        out[i * this.n + j] = dot;
      }
    }
    return out;
  }

  /** Mean precision@k of `queries` among `candidates` at these weights (same group excluded). */
  precision(weights: VectorWeights, queries: readonly number[], candidates: readonly number[], k: number): number {
    // The squared weight of each statistic of a cell, as mirColumnWeights sets it for the vectors.
    const grouped = weights.features !== undefined || weights.moments !== undefined;
    const cellWeights = FMA518_FEATURES.flatMap(([feature, count]) =>
      MOMENTS.map((moment) =>
        grouped ? ((weights.features?.[feature] ?? 1) * (weights.moments?.[moment] ?? 1)) ** 2 / (count * MOMENTS.length) : 1,
      ),
    );
    const active = cellWeights.map((weight, c) => ({ weight, cell: this.cells[c] })).filter(({ weight }) => weight > 0);
    const rows = [...new Set([...queries, ...candidates])];
    const selfSimilarity = new Float64Array(this.n);
    for (const row of rows) {
      let sum = 0;
      for (const { weight, cell } of active) sum += weight * cell[row * this.n + row];
      selfSimilarity[row] = Math.sqrt(sum) || 1;
    }
    // Block weights as trackVector applies them: blocks a space lacks count for nothing.
    const embeddingWeight = this.embeddingCosine ? weights.embedding ** 2 : 0;
    const genreWeight = this.genreCosine ? (weights.genre ?? 0) ** 2 : 0;
    const blockTotal = embeddingWeight + genreWeight + weights.mir ** 2 || 1;
    const embeddingShare = embeddingWeight / blockTotal;
    const genreShare = genreWeight / blockTotal;
    const mirShare = weights.mir ** 2 / blockTotal;
    let total = 0;
    const topScores = new Float64Array(k);
    const topRows = new Int32Array(k);
    for (const query of queries) {
      let found = 0;
      for (const row of candidates) {
        if (row === query || this.groups[row] === this.groups[query]) continue;
        const offset = query * this.n + row;
        let dot = 0;
        for (const { weight, cell } of active) dot += weight * cell[offset];
        const score =
          mirShare * (dot / (selfSimilarity[query] * selfSimilarity[row])) +
          (embeddingShare ? embeddingShare * this.embeddingCosine![offset] : 0) +
          (genreShare ? genreShare * this.genreCosine![offset] : 0);
        // Insert into the running top k (sorted, best first).
        if (found < k || score > topScores[found - 1]) {
          let position = found < k ? found++ : k - 1;
          while (position > 0 && topScores[position - 1] < score) {
            topScores[position] = topScores[position - 1];
            topRows[position] = topRows[position - 1];
            position--;
          }
          topScores[position] = score;
          topRows[position] = row;
        }
      }
      let hits = 0;
      for (let r = 0; r < found; r++) if (this.labels[topRows[r]] === this.labels[query]) hits++;
      total += found > 0 ? hits / found : 0;
    }
    return queries.length > 0 ? total / queries.length : 0;
  }

  /**
   * Coordinate ascent from all weights 1: each weight in turn takes the grid value that most raises
   * the precision of `queries` (ties keep the current value), for SEARCH_ROUNDS passes.
   */
  search(options: WeightSearchOptions): WeightSearchResult {
    const { queries, candidates, k } = options;
    const features = Object.fromEntries(FMA518_FEATURES.map(([feature]) => [feature, 1])) as Required<NonNullable<VectorWeights['features']>>;
    const moments = Object.fromEntries(MOMENTS.map((moment) => [moment, 1])) as Required<NonNullable<VectorWeights['moments']>>;
    let embedding = 0;
    let genre = 0;
    const current = (): VectorWeights => ({
      embedding,
      mir: round(1 - embedding),
      ...(options.withGenre ? { genre } : {}),
      features: { ...features },
      moments: { ...moments },
    });
    let evaluations = 1;
    let best = this.precision(current(), queries, candidates, k);
    const tryValues = (values: readonly number[], set: (value: number) => void, get: () => number) => {
      const kept = get();
      let bestValue = kept;
      for (const value of values) {
        if (value === kept) continue;
        set(value);
        evaluations++;
        const precision = this.precision(current(), queries, candidates, k);
        if (precision > best + 1e-12) {
          best = precision;
          bestValue = value;
        }
      }
      set(bestValue);
    };
    for (let round = 0; round < SEARCH_ROUNDS; round++) {
      if (options.withEmbedding && this.embeddingCosine) {
        tryValues(EMBEDDING_WEIGHT_GRID, (value) => (embedding = value), () => embedding);
      }
      if (options.withGenre && this.genreCosine) tryValues(GENRE_WEIGHT_GRID, (value) => (genre = value), () => genre);
      for (const [feature] of FMA518_FEATURES) tryValues(GROUP_WEIGHT_GRID, (value) => (features[feature] = value), () => features[feature]);
      for (const moment of MOMENTS) tryValues(GROUP_WEIGHT_GRID, (value) => (moments[moment] = value), () => moments[moment]);
    }
    return { weights: current(), precision: best, evaluations };
  }
}

function cellIndex(feature: string, moment: string): number {
  return FMA518_FEATURES.findIndex(([name]) => name === feature) * MOMENTS.length + MOMENTS.indexOf(moment as (typeof MOMENTS)[number]);
}

function unit(values: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  const scale = 1 / (Math.sqrt(sum) || 1);
  return Float64Array.from(values as ArrayLike<number>, (value) => value * scale);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
