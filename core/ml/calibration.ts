/**
 * Calibration of family probabilities and the measures of it. Every function takes probabilities and
 * label sets of held-out clips (out-of-fold predictions): a clip's top family is a hit when it is one
 * of the clip's families. Clips with no family the model can hear (an empty set) are skipped.
 */

export interface HitRate {
  hits: number;
  n: number;
  rate: number;
}

/** How often the top family is one of the clip's families, over clips with at least one. */
export function topFamilyHitRate(probabilities: readonly ArrayLike<number>[], sets: readonly (readonly number[])[]): HitRate {
  let hits = 0;
  let n = 0;
  probabilities.forEach((row, i) => {
    if (sets[i].length === 0) return;
    n++;
    if (sets[i].includes(argMax(row))) hits++;
  });
  return { hits, n, rate: n ? hits / n : 0 };
}

/**
 * Expected calibration error of the top family's probability: clips binned by it (`bins` equal-width
 * bins), the clip-weighted mean of |hit rate − mean probability| over the bins.
 */
export function expectedCalibrationError(probabilities: readonly ArrayLike<number>[], sets: readonly (readonly number[])[], bins = 10): number {
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  let n = 0;
  probabilities.forEach((row, i) => {
    if (sets[i].length === 0) return;
    const top = argMax(row);
    const bin = Math.min(bins - 1, Math.floor(row[top] * bins));
    count[bin]++;
    confidence[bin] += row[top];
    if (sets[i].includes(top)) hits[bin]++;
    n++;
  });
  return n ? count.reduce((sum, c, b) => sum + (c ? Math.abs(hits[b] - confidence[b]) : 0), 0) / n : 0;
}

/** Temperatures tried: 2^(k/8), k = −16 … 24 (0.25 to 8). */
const TEMPERATURES: readonly number[] = Array.from({ length: 41 }, (_, k) => 2 ** ((k - 16) / 8));

/** p ∝ p^t: t > 1 sharpens, t < 1 flattens; the ranking of the families never changes. */
export function applyTemperature(probabilities: ArrayLike<number>, temperature: number): Float32Array {
  const logs = Array.from(probabilities, (p) => temperature * Math.log(Math.max(p, 1e-12)));
  const max = Math.max(...logs);
  const exps = logs.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Float32Array.from(exps, (value) => value / sum);
}

/** The temperature (of TEMPERATURES) whose probabilities give the held-out sets the lowest mean −log Σ_{c∈S} p_c. */
export function fitTemperature(probabilities: readonly ArrayLike<number>[], sets: readonly (readonly number[])[]): number {
  let best = { loss: Infinity, temperature: 1 };
  for (const temperature of TEMPERATURES) {
    let loss = 0;
    let n = 0;
    probabilities.forEach((row, i) => {
      if (sets[i].length === 0) return;
      const scaled = applyTemperature(row, temperature);
      loss -= Math.log(Math.max(sets[i].reduce((sum, c) => sum + scaled[c], 0), 1e-12));
      n++;
    });
    if (n && loss / n < best.loss) best = { loss: loss / n, temperature };
  }
  return best.temperature;
}

/** Thresholds the unsure rule chooses from. */
export const UNSURE_THRESHOLD_GRID: readonly number[] = Array.from({ length: 17 }, (_, i) => Math.round((0.15 + 0.05 * i) * 100) / 100);

/** Named genres must be right this often on held-out clips (see chooseUnsureThreshold). */
export const TARGET_NAMED_HIT_RATE = 0.8;

export interface ThresholdChoice {
  threshold: number;
  /** Of the held-out clips, the share whose top probability reaches the threshold (named, not unsure). */
  namedShare: number;
  /** The hit rate of those named clips. */
  namedHitRate: number;
}

/**
 * The lowest threshold of the grid at which the clips named (top probability ≥ threshold) are right at
 * least `target` of the time: a named genre is right about that often on unheard artists, and no more
 * clips are left unsure than that takes. When no threshold reaches it, the highest of the grid.
 */
export function chooseUnsureThreshold(
  probabilities: readonly ArrayLike<number>[],
  sets: readonly (readonly number[])[],
  target = TARGET_NAMED_HIT_RATE,
  grid: readonly number[] = UNSURE_THRESHOLD_GRID,
): ThresholdChoice {
  const scored = probabilities.flatMap((row, i) => (sets[i].length ? [{ top: Math.max(...Array.from(row)), hit: sets[i].includes(argMax(row)) }] : []));
  const at = (threshold: number): ThresholdChoice => {
    const named = scored.filter((clip) => clip.top >= threshold);
    return { threshold, namedShare: scored.length ? named.length / scored.length : 0, namedHitRate: named.length ? named.filter((clip) => clip.hit).length / named.length : 0 };
  };
  for (const threshold of grid) {
    const choice = at(threshold);
    if (choice.namedHitRate >= target) return choice;
  }
  return at(grid[grid.length - 1]);
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
