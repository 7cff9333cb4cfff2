/**
 * Why a neighbour sounds like its seed, in words a listener can check: shared genre, close tempo,
 * similar timbre (MFCC means), brightness (spectral centroid) and energy (RMS). Each reason has a
 * stable machine code and a short text. Statistics are looked up by their FMA key names, so the
 * order of the 518 values is whatever `keys` says.
 */

export type ReasonCode = 'same-genre' | 'close-tempo' | 'similar-timbre' | 'similar-brightness' | 'similar-energy';

export interface Reason {
  code: ReasonCode;
  text: string;
}

export interface ReasonTrack {
  /** Tagged and/or predicted genres. */
  genres?: readonly string[];
  tempoBpm?: number | null;
  /** The 518 FMA statistics, in the order of `keys`. */
  mir?: ArrayLike<number> | null;
}

export interface ReasonThresholds {
  /** Tempi within this relative difference are close (0.05 = ±5 %). */
  tempoTolerance: number;
  /** MFCC-mean (coefficients 2-20) Euclidean distances at or below this are similar timbre. */
  timbreDistance: number;
  /** Spectral-centroid means within this relative difference are similar brightness. */
  brightnessTolerance: number;
  /** RMS means within this many decibels are similar energy. */
  energyDb: number;
}

/**
 * Fixed tolerances a listener would agree with; timbreDistance is a library-relative quantity,
 * so prefer `calibrateReasonThresholds`. Its default, 38, is the 15th percentile of the pairwise
 * distances measured on emotify-dev (280 clips, four genres; median 62).
 */
export const DEFAULT_REASON_THRESHOLDS: ReasonThresholds = {
  tempoTolerance: 0.05,
  timbreDistance: 38,
  brightnessTolerance: 0.1,
  energyDb: 2,
};

/** Fraction of random track pairs whose MFCC distance counts as "similar timbre". */
const TIMBRE_PAIR_QUANTILE = 0.15;
/** Pairs measured to calibrate: every pair of a small library, a sample of this many otherwise. */
const CALIBRATION_PAIRS = 20000;

interface KeyPositions {
  mfccMeans: number[];
  centroidMean: number;
  rmsMean: number;
}

const positionsByKeys = new WeakMap<readonly string[], KeyPositions>();

function keyPositions(keys: readonly string[]): KeyPositions {
  let positions = positionsByKeys.get(keys);
  if (!positions) {
    const at = (key: string) => keys.indexOf(key);
    // mfcc.mean.01 is the overall level (loudness), not timbre: energy covers it.
    const mfccMeans = Array.from({ length: 19 }, (_, i) => at(`mfcc.mean.${String(i + 2).padStart(2, '0')}`)).filter(
      (position) => position >= 0,
    );
    positions = { mfccMeans, centroidMean: at('spectral_centroid.mean.01'), rmsMean: at('rmse.mean.01') };
    positionsByKeys.set(keys, positions);
  }
  return positions;
}

/** Euclidean distance between the MFCC means (2-20) of two tracks; NaN when either lacks them. */
export function timbreDistance(a: ArrayLike<number>, b: ArrayLike<number>, keys: readonly string[]): number {
  const { mfccMeans } = keyPositions(keys);
  if (mfccMeans.length === 0) return Number.NaN;
  let sum = 0;
  for (const position of mfccMeans) sum += (a[position] - b[position]) ** 2;
  return Math.sqrt(sum);
}

/** Thresholds with the timbre distance set from this library's pairwise distances. */
export function calibrateReasonThresholds(
  mirRows: readonly ArrayLike<number>[],
  keys: readonly string[],
  base: ReasonThresholds = DEFAULT_REASON_THRESHOLDS,
): ReasonThresholds {
  const distances: number[] = [];
  const n = mirRows.length;
  const addPair = (i: number, j: number) => {
    const distance = timbreDistance(mirRows[i], mirRows[j], keys);
    if (Number.isFinite(distance)) distances.push(distance);
  };
  if ((n * (n - 1)) / 2 <= CALIBRATION_PAIRS) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) addPair(i, j);
  } else {
    // A large library: a fixed pseudo-random sample of pairs (same library, same thresholds).
    let state = 0x9e3779b9;
    const next = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    for (let sample = 0; sample < CALIBRATION_PAIRS; sample++) {
      const i = next();
      const j = next();
      if (i !== j) addPair(i, j);
    }
  }
  if (distances.length === 0) return base;
  distances.sort((x, y) => x - y);
  return { ...base, timbreDistance: distances[Math.floor(TIMBRE_PAIR_QUANTILE * (distances.length - 1))] };
}

/** The reasons `neighbour` resembles `seed`, strongest evidence first. */
export function explainSimilarity(
  seed: ReasonTrack,
  neighbour: ReasonTrack,
  keys: readonly string[],
  thresholds: ReasonThresholds = DEFAULT_REASON_THRESHOLDS,
): Reason[] {
  const reasons: Reason[] = [];

  const shared = sharedGenres(seed.genres ?? [], neighbour.genres ?? []);
  if (shared.length > 0) reasons.push({ code: 'same-genre', text: `both ${shared.join(', ')}` });

  const tempoA = seed.tempoBpm;
  const tempoB = neighbour.tempoBpm;
  if (tempoA && tempoB && tempoA > 0 && tempoB > 0 && Math.abs(tempoB / tempoA - 1) <= thresholds.tempoTolerance) {
    reasons.push({ code: 'close-tempo', text: `close tempo (${Math.round(tempoB)} vs ${Math.round(tempoA)} BPM)` });
  }

  if (seed.mir && neighbour.mir) {
    const a = seed.mir;
    const b = neighbour.mir;
    const { centroidMean, rmsMean } = keyPositions(keys);
    if (timbreDistance(a, b, keys) <= thresholds.timbreDistance) {
      reasons.push({ code: 'similar-timbre', text: 'similar timbre' });
    }
    if (centroidMean >= 0 && a[centroidMean] > 0 && b[centroidMean] > 0) {
      if (Math.abs(b[centroidMean] / a[centroidMean] - 1) <= thresholds.brightnessTolerance) {
        reasons.push({
          code: 'similar-brightness',
          text: `similar brightness (${kiloHertz(b[centroidMean])} vs ${kiloHertz(a[centroidMean])})`,
        });
      }
    }
    if (rmsMean >= 0 && a[rmsMean] > 0 && b[rmsMean] > 0) {
      const differenceDb = 20 * Math.log10(b[rmsMean] / a[rmsMean]);
      if (Math.abs(differenceDb) <= thresholds.energyDb) {
        reasons.push({ code: 'similar-energy', text: `similar energy (within ${Math.max(0.1, Math.abs(differenceDb)).toFixed(1)} dB)` });
      }
    }
  }
  return reasons;
}

function sharedGenres(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b.map(genreKey));
  const seen = new Set<string>();
  const shared: string[] = [];
  for (const genre of a) {
    const key = genreKey(genre);
    if (other.has(key) && !seen.has(key)) {
      seen.add(key);
      shared.push(genre.trim());
    }
  }
  return shared;
}

/** Genres compare case- and space-insensitively ("Hip-Hop" = "hip-hop "). */
export function genreKey(genre: string): string {
  return genre.trim().toLowerCase();
}

function kiloHertz(hertz: number): string {
  return `${(hertz / 1000).toFixed(1)} kHz`;
}
