import { MOMENTS, momentsOf } from '../dsp/stats.js';
import type { TimeFrequency } from '../dsp/types.js';

/**
 * The FMA dataset's features (features.py of the FMA dataset), in the column order of
 * ../shared/golden/librosa-0.10.1.json, with how many coefficients each has.
 */
export const FMA518_FEATURES = [
  ['zcr', 1],
  ['chroma_cqt', 12],
  ['chroma_cens', 12],
  ['tonnetz', 6],
  ['chroma_stft', 12],
  ['rmse', 1],
  ['spectral_centroid', 1],
  ['spectral_bandwidth', 1],
  ['spectral_contrast', 7],
  ['spectral_rolloff', 1],
  ['mfcc', 20],
] as const;

export type Fma518Feature = (typeof FMA518_FEATURES)[number][0];

/** `<feature>.<moment>.<NN>`: feature-major, then moment (MOMENTS order), then coefficient from 01. */
export const FMA518_KEYS: readonly string[] = FMA518_FEATURES.flatMap(([feature, count]) =>
  MOMENTS.flatMap((moment) =>
    Array.from({ length: count }, (_, i) => `${feature}.${moment}.${String(i + 1).padStart(2, '0')}`),
  ),
);

/**
 * The 518 statistics (FMA's feature_stats: mean, std, skew, kurtosis, median, min, max of each
 * coefficient over time) in FMA518_KEYS order, from each feature's frames × coefficients matrix.
 */
export function assembleFma518(features: Record<Fma518Feature, TimeFrequency>): Float64Array {
  const out = new Float64Array(FMA518_KEYS.length);
  let offset = 0;
  for (const [name, count] of FMA518_FEATURES) {
    const matrix = features[name];
    if (matrix.nBins !== count) throw new Error(`fma518: ${name} has ${matrix.nBins} coefficients, expected ${count}`);
    if (matrix.nFrames === 0) throw new Error(`fma518: ${name} has no frames`);
    const series = new Float64Array(matrix.nFrames);
    for (let c = 0; c < count; c++) {
      for (let t = 0; t < matrix.nFrames; t++) series[t] = matrix.data[t * count + c];
      const moments = momentsOf(series);
      MOMENTS.forEach((moment, m) => {
        out[offset + m * count + c] = moments[moment];
      });
    }
    offset += MOMENTS.length * count;
  }
  return out;
}

/** The statistics as a plain object keyed by FMA518_KEYS (for JSON output). */
export function fma518Record(values: Float64Array): Record<string, number> {
  if (values.length !== FMA518_KEYS.length) throw new Error(`fma518: expected ${FMA518_KEYS.length} values`);
  return Object.fromEntries(FMA518_KEYS.map((key, i) => [key, values[i]]));
}
