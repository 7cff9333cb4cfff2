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

/** np.median of the values (left untouched). */
export function medianOf(values: ArrayLike<number>): number {
  return medianBySelection(Float64Array.from(values as ArrayLike<number>));
}

/**
 * np.median of a scratch array, which it reorders: the middle value, or the mean of the two middle
 * values for an even count, found by selection in O(n) rather than by sorting.
 */
export function medianBySelection(values: Float64Array): number {
  const n = values.length;
  if (n === 0) throw new Error('median of no values');
  const mid = n >> 1;
  selectInPlace(values, mid);
  if (n % 2) return values[mid];
  // Selection leaves the mid smallest values before index mid: the lower middle is their maximum.
  let lowerMiddle = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > lowerMiddle) lowerMiddle = values[i];
  return (lowerMiddle + values[mid]) / 2;
}

/**
 * Reorders a so that a[k] holds the value it would have if a were sorted, with nothing larger
 * before it and nothing smaller after it (quickselect).
 */
function selectInPlace(a: Float64Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    // Median-of-three pivot, then a Hoare partition.
    const middle = (left + right) >> 1;
    if (a[middle] < a[left]) swap(a, middle, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[middle]) swap(a, right, middle);
    const pivot = a[middle];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Now a[left..j] <= pivot <= a[i..right], and everything strictly between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
