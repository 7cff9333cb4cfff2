import { cholesky, solveLower, solveLowerTransposed, symmetricEigen } from './linear-algebra.js';

/**
 * A similarity space that learns the library's own genres: Fisher's linear discriminant (LDA) of the
 * normalised MIR statistics, fitted on the tracks that carry a genre label (confirmed, else a tag
 * genre the vocabulary knows). Its axes whiten the spread of tracks within a genre and keep the
 * directions along which the genres' means differ (at most genres − 1 of them), so two tracks close
 * in it differ little in what separates the user's genres. The within-genre scatter is shrunk towards
 * a multiple of the identity (518 statistics, a few hundred labelled tracks: the raw one is singular).
 *
 * Chosen by `timbre eval-similar --data ../shared/datasets/emotify-dev` (README, "similarity"): the
 * projection fitted on the training artists of each artist-grouped fold, queried with the other
 * artists' clips. Shrinkage 0.5–0.8 all scored within 0.01 of each other; 0.7 was the best.
 */
export interface GenreProjection {
  /** The genres it separates (each with at least `minTracksPerGenre` labelled tracks). */
  genres: string[];
  /** Mean of the labelled tracks' normalised statistics (length `inputDim`). */
  mean: Float64Array;
  inputDim: number;
  /** Number of axes (≤ genres − 1). */
  axisCount: number;
  /** The axes, axis-major: axes[a · inputDim + j]. */
  axes: Float64Array;
}

export interface GenreProjectionOptions {
  /** Weight of the identity in the within-genre scatter, 0…1. */
  shrinkage?: number;
  /** Genres with fewer labelled tracks are left out of the fit. */
  minTracksPerGenre?: number;
  /** Fewer labelled tracks (in kept genres) than this: no projection. */
  minLabelledTracks?: number;
}

export const DEFAULT_GENRE_PROJECTION: Required<GenreProjectionOptions> = {
  shrinkage: 0.7,
  minTracksPerGenre: 5,
  minLabelledTracks: 20,
};

/**
 * Labelled tracks the scatter is computed from at most: a regular sample of a larger labelled set.
 * The cost is tracks × 518² (about 0.5 s at 2,000), and 2,000 tracks pin down a few genre means well.
 */
const FIT_SAMPLE = 2000;

/**
 * The projection of `rows` (normalised MIR statistics, one per track) that separates their labels;
 * null when fewer than two genres have `minTracksPerGenre` labelled tracks or fewer than
 * `minLabelledTracks` tracks are labelled: the caller keeps the unsupervised space.
 */
export function fitGenreProjection(
  rows: readonly ArrayLike<number>[],
  labels: ReadonlyArray<string | null | undefined>,
  options: GenreProjectionOptions = {},
): GenreProjection | null {
  const { shrinkage, minTracksPerGenre, minLabelledTracks } = { ...DEFAULT_GENRE_PROJECTION, ...options };
  if (rows.length !== labels.length) throw new Error(`fitGenreProjection: ${rows.length} rows and ${labels.length} labels`);
  const counts = new Map<string, number>();
  for (const label of labels) if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  const genres = [...counts]
    .filter(([, count]) => count >= minTracksPerGenre)
    .map(([genre]) => genre)
    .sort((a, b) => a.localeCompare(b, 'en'));
  const labelled = labels.flatMap((label, row) => (label && genres.includes(label) ? [row] : []));
  if (genres.length < 2 || labelled.length < minLabelledTracks) return null;

  const stride = Math.ceil(labelled.length / FIT_SAMPLE);
  const used = stride > 1 ? labelled.filter((_, i) => i % stride === 0) : labelled;
  const dim = rows[used[0]].length;
  const genreOf = used.map((row) => genres.indexOf(labels[row]!));

  const mean = new Float64Array(dim);
  const genreMeans = genres.map(() => new Float64Array(dim));
  const genreSizes = new Float64Array(genres.length);
  used.forEach((row, i) => {
    genreSizes[genreOf[i]]++;
    const values = rows[row];
    const genreMean = genreMeans[genreOf[i]];
    for (let j = 0; j < dim; j++) genreMean[j] += values[j];
  });
  genreMeans.forEach((genreMean, g) => {
    for (let j = 0; j < dim; j++) {
      genreMean[j] /= genreSizes[g] || 1;
      mean[j] += (genreSizes[g] / used.length) * genreMean[j];
    }
  });

  // Within-genre scatter (upper triangle, then mirrored), per track, of its offset from its genre's mean.
  const scatter = new Float64Array(dim * dim);
  const offset = new Float64Array(dim);
  used.forEach((row, i) => {
    const values = rows[row];
    const genreMean = genreMeans[genreOf[i]];
    for (let j = 0; j < dim; j++) offset[j] = values[j] - genreMean[j];
    for (let p = 0; p < dim; p++) {
      const scaled = offset[p];
      if (scaled === 0) continue;
      const base = p * dim;
      for (let q = p; q < dim; q++) scatter[base + q] += scaled * offset[q];
    }
  });
  let trace = 0;
  for (let p = 0; p < dim; p++) trace += scatter[p * dim + p];
  if (!(trace > 0)) return null;
  const ridge = (shrinkage * trace) / (used.length * dim);
  for (let p = 0; p < dim; p++) {
    for (let q = p; q < dim; q++) {
      const value = ((1 - shrinkage) * scatter[p * dim + q]) / used.length + (p === q ? ridge : 0);
      scatter[p * dim + q] = value;
      scatter[q * dim + p] = value;
    }
  }
  const lower = cholesky(scatter, dim);

  // Between-genre scatter is Σ_g (n_g / n) (m_g − m)(m_g − m)ᵀ = B Bᵀ with B's columns the weighted
  // mean offsets; whitened, A = L⁻¹B. The discriminant axes are A's left singular vectors, found
  // from the small genres × genres matrix AᵀA, and mapped back through L⁻ᵀ.
  const whitened = genres.map((_, g) => {
    const column = new Float64Array(dim);
    const weight = Math.sqrt(genreSizes[g] / used.length);
    for (let j = 0; j < dim; j++) column[j] = weight * (genreMeans[g][j] - mean[j]);
    return solveLower(lower, dim, column);
  });
  const size = genres.length;
  const gram = new Float64Array(size * size);
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) gram[a * size + b] = dot(whitened[a], whitened[b]);
  const { values, vectors } = symmetricEigen(gram, size);
  const largest = Math.max(...values);
  const kept = Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, size - 1)
    .filter((e) => values[e] > 1e-10 * largest);
  if (kept.length === 0) return null;

  const axes = new Float64Array(kept.length * dim);
  kept.forEach((e, axis) => {
    const direction = new Float64Array(dim);
    const scale = 1 / Math.sqrt(values[e]);
    for (let g = 0; g < size; g++) {
      const weight = vectors[g * size + e] * scale;
      for (let j = 0; j < dim; j++) direction[j] += weight * whitened[g][j];
    }
    axes.set(solveLowerTransposed(lower, dim, direction), axis * dim);
  });
  return { genres, mean, inputDim: dim, axisCount: kept.length, axes };
}

/** A track's coordinates on the projection's axes, from its normalised MIR statistics. */
export function projectGenres(normalised: ArrayLike<number>, projection: GenreProjection): Float64Array {
  const { inputDim, axisCount, axes, mean } = projection;
  if (normalised.length !== inputDim) throw new Error(`projectGenres: ${normalised.length} values, expected ${inputDim}`);
  const out = new Float64Array(axisCount);
  for (let axis = 0; axis < axisCount; axis++) {
    let sum = 0;
    const base = axis * inputDim;
    for (let j = 0; j < inputDim; j++) sum += axes[base + j] * (normalised[j] - mean[j]);
    out[axis] = sum;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}
