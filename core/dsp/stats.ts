/** The seven moments of the FMA recipe (features.py `feature_stats`), in its order. */
export const MOMENTS = ['mean', 'std', 'skew', 'kurtosis', 'median', 'min', 'max'] as const;
export type Moment = (typeof MOMENTS)[number];

/**
 * FMA's feature_stats over one row of values: numpy mean and std (ddof 0), scipy.stats skew and
 * kurtosis (Fisher, biased), median, min, max. Accumulates in float64.
 */
export function momentsOf(values: ArrayLike<number>): Record<Moment, number> {
  const n = values.length;
  if (n === 0) throw new Error('momentsOf: no values');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // scipy returns NaN skew/kurtosis for a constant row; FMA keeps those as-is, we report 0 to stay JSON-safe.
  const flat = m2 <= 1e-30 * Math.max(1, mean * mean);
  return {
    mean,
    std: Math.sqrt(m2),
    skew: flat ? 0 : m3 / Math.pow(m2, 1.5),
    kurtosis: flat ? 0 : m4 / (m2 * m2) - 3,
    median: medianOf(values),
    min,
    max,
  };
}

export function medianOf(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
