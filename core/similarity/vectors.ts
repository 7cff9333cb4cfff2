import { MOMENTS, type Moment } from '../dsp/stats.js';
import { FMA518_FEATURES, type Fma518Feature } from '../features/fma518.js';
import { fitGenreProjection, projectGenres, type GenreProjection, type GenreProjectionOptions } from './genre-projection.js';

/**
 * One similarity vector per track:
 *
 *   v = normalise( w_e · normalise(embedding)  ⧺  w_g · √p  ⧺  w_l · normalise(P n(mir518))  ⧺  w_m · normalise(c ⊙ n(mir518)) )
 *
 * The embedding is the genre classifier's track embedding; p its genre probabilities (an optional
 * block, absent unless the space has genreDim > 0); mir518 are the FMA statistics; P is the genre
 * projection learnt from the library's labelled tracks (genre-projection.ts; absent when too few
 * tracks carry a genre). n() puts
 * every statistic on one scale using the library's own distribution (a `SimilaritySpace`, stored
 * with the index): by default its rank (the library quantile, mapped to a zero-mean, unit-variance
 * uniform), else a clipped z-score. c weights each statistic by its feature group (MFCC, chroma,
 * contrast, …) and its moment (mean, std, …, max), each group first scaled to the same total weight.
 * Each block is unit-length before weighting, so the block weights alone set how much each counts in
 * the cosine. All weights are chosen by `timbre eval-similar` (an artist-grouped cross-validated
 * search on emotify-dev); the defaults below are its pick.
 */

export type MirNormalisation = 'rank' | 'zscore';

export interface VectorWeights {
  embedding: number;
  mir: number;
  /** Weight of the genre-probability block (spaces with genreDim > 0); absent: 0. */
  genre?: number;
  /** Weight of the learnt genre-projection block (spaces with a genreProjection); absent: 0. */
  projection?: number;
  /** Weight of each feature group inside the MIR block; a group left out weighs 1. */
  features?: Partial<Record<Fma518Feature, number>>;
  /** Weight of each moment inside the MIR block; a moment left out weighs 1. */
  moments?: Partial<Record<Moment, number>>;
}

/** Everything needed to turn a track's features into its vector: stored with the index. */
export interface SimilaritySpace {
  normalisation: MirNormalisation;
  /** Per-statistic library mean and standard deviation (length 518): the z-score scale. */
  mirMean: Float64Array;
  mirStd: Float64Array;
  /** |z| is capped here (z-score normalisation only). */
  zClip: number;
  /**
   * Rank normalisation: `quantileCount` library quantiles per statistic (statistic-major), at
   * probabilities 0, 1/(q−1), …, 1. A value's rank is interpolated between them.
   */
  quantileCount: number;
  mirQuantiles: Float64Array;
  /** Length of the embedding block; 0 for an index built from MIR statistics alone. */
  embeddingDim: number;
  /** Length of the genre-probability block (one per genre); 0 without one. */
  genreDim: number;
  /** The projection learnt from the library's genre labels; absent: no such block. */
  genreProjection?: GenreProjection | null;
  weights: VectorWeights;
}

export interface TrackFeatures {
  mir: ArrayLike<number>;
  /**
   * The genre the track teaches the genre projection (its first confirmed genre, else its first tag
   * genre the vocabulary knows); absent or null: unlabelled.
   */
  labelGenre?: string | null;
  /** The classifier embedding; absent where no model has analysed the track. */
  embedding?: ArrayLike<number> | null;
  /** The classifier's genre probabilities (summing to 1), in the space's genre order. */
  genreProbabilities?: ArrayLike<number> | null;
}

/**
 * Chosen by `timbre eval-similar --data ../shared/datasets/emotify-dev` (README, "similarity"):
 * - rank rather than z-score: 51.7 % vs 51.4 % genre precision@10 (same artist excluded), and no
 *   clip to tune against heavy-tailed statistics;
 * - every feature group and moment at weight 1: weights searched on 4 artist-grouped folds scored
 *   51.3 % on the fifth, no better than uniform, so none are set;
 * - w_embedding 0.2: the shipped model was trained on emotify-dev, so on those clips its embedding
 *   looks far better than it is (alone: 67.6 % for model 1.3.0, 82.4 % for 1.1.0; in-sample searches
 *   pick 0.8). On the 58 clips of the 6 artists it held out (never trained on) 0.2 scored best or
 *   tied: 54.1 % for 1.3.0 (tied with 0.8), 54.5 % for 1.2.0 (30-s excerpt), against 51.9 % for MIR
 *   alone and 53.6 % for 1.3.0's embedding alone. That is the only unheard data, so the choice was
 *   made on it and no independent test of it remains.
 * - w_projection = w_mir: the genre projection beside the MIR block at equal weights, fitted on 4 of
 *   5 artist-grouped folds and queried with the fifth's artists, raised precision (same artist
 *   excluded) from 49.8 % to 63.0 % ± 0.4 over 5 fold seeds (half either weight: 61.1 %, 62.6 %).
 *   Alone (w_mir 0) it scored 62.4 %, and with only genres − 1 axes it makes a track's neighbours
 *   nothing but its genre: the MIR block keeps the rest of the sound. With model 1.3.0's embedding at
 *   0.2, the 58 held-back clips score 60.5 % (54.1 % without the projection).
 */
export const DEFAULT_NORMALISATION: MirNormalisation = 'rank';
export const DEFAULT_Z_CLIP = 4;
export const DEFAULT_WEIGHTS: VectorWeights = { embedding: 0.2, mir: 0.8, projection: 0.8 };

/** Library quantiles kept per statistic for rank normalisation: enough for a smooth rank, small to store. */
const QUANTILES = 101;

/** Statistics whose library spread is below this are constant in practice: they get std 1. */
const MIN_STD = 1e-9;

/** The feature group and moment of each of the 518 statistics (FMA518_KEYS order), and the group's size. */
export const MIR_LAYOUT: ReadonlyArray<{ feature: Fma518Feature; moment: Moment; groupSize: number }> = FMA518_FEATURES.flatMap(
  ([feature, count]) => MOMENTS.flatMap((moment) => Array.from({ length: count }, () => ({ feature, moment, groupSize: count * MOMENTS.length }))),
);

/** Library mean and standard deviation (ddof 0) per MIR statistic, skipping non-finite values. */
export function fitMirStandardization(rows: readonly ArrayLike<number>[]): { mean: Float64Array; std: Float64Array } {
  if (rows.length === 0) throw new Error('fitMirStandardization: no tracks');
  const dim = rows[0].length;
  const count = new Float64Array(dim);
  const mean = new Float64Array(dim);
  const m2 = new Float64Array(dim);
  for (const row of rows) {
    if (row.length !== dim) throw new Error(`fitMirStandardization: row of length ${row.length}, expected ${dim}`);
    for (let j = 0; j < dim; j++) {
      const value = row[j];
      if (!Number.isFinite(value)) continue;
      // Welford's update: stable for statistics with a large mean and a small spread.
      const n = ++count[j];
      const delta = value - mean[j];
      mean[j] += delta / n;
      m2[j] += delta * (value - mean[j]);
    }
  }
  const std = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const spread = count[j] > 0 ? Math.sqrt(m2[j] / count[j]) : 0;
    std[j] = spread > MIN_STD ? spread : 1;
  }
  return { mean, std };
}

/** Tracks the quantiles are fitted on at most: a regular sample of a larger library (101 quantiles need no more). */
const QUANTILE_SAMPLE = 5000;

/**
 * `count` quantiles per statistic (linear interpolation between order statistics), statistic-major,
 * from every track, or from every ⌈n / 5000⌉-th one in a larger library. Non-finite values are
 * skipped; a statistic with none gets quantiles of 0.
 */
export function fitMirQuantiles(rows: readonly ArrayLike<number>[], count = QUANTILES): Float64Array {
  if (rows.length === 0) throw new Error('fitMirQuantiles: no tracks');
  const dim = rows[0].length;
  const stride = Math.ceil(rows.length / QUANTILE_SAMPLE);
  const sample = stride > 1 ? rows.filter((_, i) => i % stride === 0) : rows;
  const quantiles = new Float64Array(dim * count);
  const buffer = new Float64Array(sample.length);
  for (let j = 0; j < dim; j++) {
    let size = 0;
    for (const row of sample) if (Number.isFinite(row[j])) buffer[size++] = row[j];
    if (size === 0) continue;
    const column = buffer.subarray(0, size).sort();
    for (let q = 0; q < count; q++) {
      const position = (q / (count - 1)) * (size - 1);
      const below = Math.floor(position);
      const above = Math.min(below + 1, size - 1);
      quantiles[j * count + q] = column[below] + (position - below) * (column[above] - column[below]);
    }
  }
  return quantiles;
}

/**
 * The library rank (0…1) of `value` among a statistic's sorted quantiles, interpolated between
 * them; a value equal to a run of equal quantiles gets the middle of the run (a constant statistic: ½).
 */
export function quantileRank(quantiles: Float64Array, offset: number, count: number, value: number): number {
  if (!Number.isFinite(value)) return 0.5;
  // first: the first quantile ≥ value; last: the last quantile ≤ value.
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (quantiles[offset + mid] < value) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  // Only a value equal to a quantile has a run to find the end of.
  if (first < count && quantiles[offset + first] === value) {
    hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (quantiles[offset + mid] <= value) lo = mid + 1;
      else hi = mid;
    }
  }
  const last = lo - 1;
  const step = 1 / (count - 1);
  if (first <= last) return ((first + last) / 2) * step;
  if (first === 0) return 0;
  if (first === count) return 1;
  const below = quantiles[offset + first - 1];
  const above = quantiles[offset + first];
  return (first - 1 + (value - below) / (above - below)) * step;
}

/** A uniform 0…1 rank as a zero-mean, unit-variance value (the scale of a z-score). */
const RANK_SCALE = Math.sqrt(12);

export interface SpaceOptions {
  embeddingDim?: number;
  genreDim?: number;
  weights?: VectorWeights;
  zClip?: number;
  normalisation?: MirNormalisation;
  /**
   * Each row's genre label (or null): when enough rows carry one, the space learns a genre
   * projection from them (fitGenreProjection); otherwise it has no projection block.
   */
  genreLabels?: ReadonlyArray<string | null | undefined>;
  genreProjection?: GenreProjectionOptions;
}

/** A space fitted to a library's MIR statistics (and, given labels, to its genres). */
export function fitSimilaritySpace(mirRows: readonly ArrayLike<number>[], options: SpaceOptions = {}): SimilaritySpace {
  const { mean, std } = fitMirStandardization(mirRows);
  const quantileCount = Math.max(2, Math.min(QUANTILES, mirRows.length));
  const embeddingDim = options.embeddingDim ?? 0;
  const weights = options.weights ?? (embeddingDim > 0 ? DEFAULT_WEIGHTS : { ...DEFAULT_WEIGHTS, embedding: 0, mir: 1, projection: 1 });
  const space: SimilaritySpace = {
    normalisation: options.normalisation ?? DEFAULT_NORMALISATION,
    mirMean: mean,
    mirStd: std,
    zClip: options.zClip ?? DEFAULT_Z_CLIP,
    quantileCount,
    mirQuantiles: fitMirQuantiles(mirRows, quantileCount),
    embeddingDim,
    genreDim: options.genreDim ?? 0,
    weights,
  };
  const labels = options.genreLabels;
  if (labels) {
    if (labels.length !== mirRows.length) throw new Error(`fitSimilaritySpace: ${labels.length} genre labels for ${mirRows.length} tracks`);
    // Only labelled rows teach the projection: normalise just those.
    const labelledRows = labels.flatMap((label, row) => (label ? [row] : []));
    space.genreProjection = fitGenreProjection(
      labelledRows.map((row) => normaliseMir(mirRows[row], space)),
      labelledRows.map((row) => labels[row]),
      options.genreProjection,
    );
  }
  return space;
}

/** Length of the genre-projection block (0 without one). */
function projectionDim(space: SimilaritySpace): number {
  return space.genreProjection?.axisCount ?? 0;
}

export function vectorDimension(space: SimilaritySpace): number {
  return space.embeddingDim + space.genreDim + projectionDim(space) + space.mirMean.length;
}

/** The MIR statistics on the space's common scale, before weighting (n() above). */
export function normaliseMir(mir: ArrayLike<number>, space: SimilaritySpace): Float64Array {
  const dim = space.mirMean.length;
  if (mir.length !== dim) throw new Error(`trackVector: ${mir.length} MIR values, expected ${dim}`);
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    if (space.normalisation === 'rank') {
      out[j] = (quantileRank(space.mirQuantiles, j * space.quantileCount, space.quantileCount, mir[j]) - 0.5) * RANK_SCALE;
    } else {
      const z = (mir[j] - space.mirMean[j]) / space.mirStd[j];
      out[j] = Number.isFinite(z) ? Math.max(-space.zClip, Math.min(space.zClip, z)) : 0;
    }
  }
  return out;
}

/**
 * The weight of each MIR statistic (c above): its group's and its moment's weight, over the square
 * root of the group's size, so that at weight 1 every group (20 MFCCs × 7 or 1 ZCR × 7) counts alike.
 * Without group or moment weights every statistic weighs 1.
 */
export function mirColumnWeights(weights: VectorWeights, dim: number): Float64Array {
  const out = new Float64Array(dim).fill(1);
  if (!weights.features && !weights.moments) return out;
  if (dim !== MIR_LAYOUT.length) throw new Error(`group and moment weights need the ${MIR_LAYOUT.length} FMA statistics, not ${dim}`);
  MIR_LAYOUT.forEach(({ feature, moment, groupSize }, j) => {
    out[j] = ((weights.features?.[feature] ?? 1) * (weights.moments?.[moment] ?? 1)) / Math.sqrt(groupSize);
  });
  return out;
}

const columnWeightCache = new WeakMap<VectorWeights, Float64Array>();

/**
 * The track's unit vector in `space`: [embedding | genre probabilities | genre projection | MIR]. A track without an
 * embedding (or probabilities) in a space that has them gets a zero block there: its MIR block still
 * counts, so it stays findable, with lower scores. The genre block is the square root of the
 * probabilities, so its cosine is their Bhattacharyya coefficient.
 */
export function trackVector(features: TrackFeatures, space: SimilaritySpace): Float32Array {
  const mirDim = space.mirMean.length;
  const projectionOffset = space.embeddingDim + space.genreDim;
  const mirOffset = projectionOffset + projectionDim(space);
  const vector = new Float32Array(mirOffset + mirDim);

  const embedding = space.embeddingDim > 0 ? features.embedding : null;
  if (embedding) {
    if (embedding.length !== space.embeddingDim) {
      throw new Error(`trackVector: embedding of length ${embedding.length}, expected ${space.embeddingDim}`);
    }
    const scale = space.weights.embedding / (norm(embedding) || 1);
    for (let j = 0; j < embedding.length; j++) vector[j] = embedding[j] * scale;
  }

  const probabilities = space.genreDim > 0 ? features.genreProbabilities : null;
  if (probabilities) {
    if (probabilities.length !== space.genreDim) {
      throw new Error(`trackVector: ${probabilities.length} genre probabilities, expected ${space.genreDim}`);
    }
    const roots = Array.from(probabilities, (p) => Math.sqrt(Math.max(0, p)));
    const scale = (space.weights.genre ?? 0) / (norm(roots) || 1);
    roots.forEach((root, j) => (vector[space.embeddingDim + j] = root * scale));
  }

  const mir = normaliseMir(features.mir, space);
  if (space.genreProjection) {
    const projected = projectGenres(mir, space.genreProjection);
    const scale = (space.weights.projection ?? 0) / (norm(projected) || 1);
    projected.forEach((value, j) => (vector[projectionOffset + j] = value * scale));
  }
  let columnWeights = columnWeightCache.get(space.weights);
  if (!columnWeights || columnWeights.length !== mirDim) {
    columnWeights = mirColumnWeights(space.weights, mirDim);
    columnWeightCache.set(space.weights, columnWeights);
  }
  for (let j = 0; j < mirDim; j++) mir[j] *= columnWeights[j];
  const mirScale = space.weights.mir / (norm(mir) || 1);
  for (let j = 0; j < mirDim; j++) vector[mirOffset + j] = mir[j] * mirScale;

  return normaliseInPlace(vector);
}

/** Rows of a packed n × dim matrix, one unit vector per track, in the given order. */
export function packVectors(vectors: readonly Float32Array[], dim: number): Float32Array {
  const packed = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, row) => {
    if (vector.length !== dim) throw new Error(`packVectors: row ${row} has length ${vector.length}, expected ${dim}`);
    packed.set(vector, row * dim);
  });
  return packed;
}

/** JSON form of a space, for storing beside the index. */
export function serializeSpace(space: SimilaritySpace): string {
  const projection = space.genreProjection;
  return JSON.stringify({
    ...space,
    mirMean: Array.from(space.mirMean),
    mirStd: Array.from(space.mirStd),
    mirQuantiles: Array.from(space.mirQuantiles),
    zClip: Number.isFinite(space.zClip) ? space.zClip : null, // JSON has no Infinity
    // undefined (no labels given) stays absent, null (too few labels) stays null.
    genreProjection: projection ? { ...projection, mean: Array.from(projection.mean), axes: Array.from(projection.axes) } : projection,
  });
}

export function deserializeSpace(json: string): SimilaritySpace {
  const raw = JSON.parse(json) as Omit<SimilaritySpace, 'mirMean' | 'mirStd' | 'mirQuantiles' | 'zClip' | 'genreProjection'> & {
    mirMean: number[];
    mirStd: number[];
    mirQuantiles: number[];
    zClip: number | null;
    genreProjection?: (Omit<GenreProjection, 'mean' | 'axes'> & { mean: number[]; axes: number[] }) | null;
  };
  const { genreProjection: projection, ...rest } = raw;
  return {
    ...rest,
    mirMean: Float64Array.from(raw.mirMean),
    mirStd: Float64Array.from(raw.mirStd),
    mirQuantiles: Float64Array.from(raw.mirQuantiles),
    zClip: raw.zClip ?? Infinity,
    ...(projection === undefined
      ? {}
      : { genreProjection: projection && { ...projection, mean: Float64Array.from(projection.mean), axes: Float64Array.from(projection.axes) } }),
  };
}

export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += values[j] * values[j];
  return Math.sqrt(sum);
}

/** Scales to unit length; a zero vector stays zero. */
export function normaliseInPlace<T extends Float32Array | Float64Array>(values: T): T {
  const length = norm(values);
  if (length > 0) for (let j = 0; j < values.length; j++) values[j] /= length;
  return values;
}
