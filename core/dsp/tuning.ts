import type { TimeFrequency } from './types.js';

const f32 = Math.fround;

export interface PiptrackOptions {
  sr: number;
  nFft: number;
  fmin?: number;
  fmax?: number;
  threshold?: number;
}

/** The nonzero entries of librosa.piptrack's (pitches, magnitudes), in no particular order. */
export interface PitchPeaks {
  pitches: Float32Array;
  magnitudes: Float32Array;
}

/**
 * librosa.piptrack(S=S, sr, n_fft, fmin, fmax, threshold, ref=np.max), returning only the peaks
 * (librosa's zero entries carry no information). Follows 0.10.1: parabolic shift from the
 * 3-point stencil (0 where it would move more than a bin), np.gradient for the skew term, float32
 * storage like librosa's arrays.
 */
export function piptrack(S: TimeFrequency, options: PiptrackOptions): PitchPeaks {
  const { sr, nFft } = options;
  const threshold = options.threshold ?? 0.1;
  const fmin = Math.max(options.fmin ?? 150, 0);
  const fmax = Math.min(options.fmax ?? 4000, sr / 2);
  const { data, nFrames, nBins } = S;
  const binHz = sr / nFft;
  // Bins whose fft frequency lies in [fmin, fmax); bin 0 and the last bin can never be peaks here
  // because the stencil needs both neighbours, so clamp to the interior.
  let lo = 0;
  while (lo < nBins && lo * binHz < fmin) lo++;
  let hi = lo;
  while (hi < nBins && hi * binHz < fmax) hi++;
  lo = Math.max(lo, 1);
  hi = Math.min(hi, nBins - 1);

  const pitches: number[] = [];
  const magnitudes: number[] = [];
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    let max = 0;
    for (let f = 0; f < nBins; f++) if (data[row + f] > max) max = data[row + f];
    const ref = f32(threshold * max);
    // util.localmax on S * (S > ref): strictly above the lower neighbour, at least the upper one.
    const gated = (f: number): number => (data[row + f] > ref ? data[row + f] : 0);
    for (let f = lo; f < hi; f++) {
      const here = gated(f);
      if (!(here > gated(f - 1) && here >= gated(f + 1))) continue;
      const below = data[row + f - 1];
      const above = data[row + f + 1];
      const a = above + below - 2 * data[row + f];
      const b = (above - below) / 2;
      const shift = Math.abs(b) >= Math.abs(a) ? 0 : f32(-b / a);
      const gradient = f32((above - below) / 2);
      pitches.push(f32(((f + shift) * sr) / nFft));
      magnitudes.push(f32(data[row + f] + f32(f32(0.5 * gradient) * shift)));
    }
  }
  return { pitches: Float32Array.from(pitches), magnitudes: Float32Array.from(magnitudes) };
}

export interface PitchTuningOptions {
  resolution?: number;
  binsPerOctave?: number;
}

/** librosa.pitch_tuning: the histogram peak of the pitches' deviations from A440, in fractions of a bin. */
export function pitchTuning(frequencies: ArrayLike<number>, options: PitchTuningOptions = {}): number {
  const resolution = options.resolution ?? 0.01;
  const binsPerOctave = options.binsPerOctave ?? 12;
  const nHistogramBins = Math.ceil(1 / resolution);
  // np.linspace(-0.5, 0.5, n + 1) computes i * step + start.
  const step = 1 / nHistogramBins;
  const edge = (i: number): number => (i === nHistogramBins ? 0.5 : i * step + -0.5);
  const counts = new Int32Array(nHistogramBins);
  let seen = 0;
  for (let i = 0; i < frequencies.length; i++) {
    const frequency = frequencies[i];
    if (!(frequency > 0)) continue;
    seen++;
    // librosa works in float32 here (the pitches are float32): hz_to_octs, then mod 1.
    const octaves = f32(Math.log2(f32(frequency / (440 / 16))));
    const scaled = f32(binsPerOctave * octaves);
    let residual = f32(scaled - Math.floor(scaled));
    if (residual >= 1) residual = 0;
    if (residual >= 0.5) residual = f32(residual - 1);
    // np.histogram: the bin whose [left, right) edges hold the value; the last bin is closed.
    let bin = Math.min(nHistogramBins - 1, Math.max(0, Math.floor((residual + 0.5) * nHistogramBins)));
    if (residual < edge(bin) && bin > 0) bin--;
    else if (bin < nHistogramBins - 1 && residual >= edge(bin + 1)) bin++;
    counts[bin]++;
  }
  if (seen === 0) return 0;
  let best = 0;
  for (let i = 1; i < nHistogramBins; i++) if (counts[i] > counts[best]) best = i;
  return edge(best);
}

export interface EstimateTuningOptions {
  sr: number;
  nFft: number;
  binsPerOctave?: number;
  resolution?: number;
}

/**
 * librosa.estimate_tuning(S=S, sr, n_fft, resolution, bins_per_octave): piptrack peaks whose
 * magnitude is at least the median peak magnitude, then pitch_tuning. S is a magnitude or power
 * spectrogram, frames × (nFft/2+1).
 */
export function estimateTuning(S: TimeFrequency, options: EstimateTuningOptions): number {
  const { pitches, magnitudes } = piptrack(S, { sr: options.sr, nFft: options.nFft });
  const tuningOptions = { resolution: options.resolution, binsPerOctave: options.binsPerOctave };
  // estimate_tuning's mask counts only pitch > 0 (a parabolic shift can push bin 1 to 0 Hz at most).
  const voiced: number[] = [];
  for (let i = 0; i < pitches.length; i++) if (pitches[i] > 0) voiced.push(i);
  if (voiced.length === 0) return pitchTuning([], tuningOptions);
  const sorted = Float32Array.from(voiced, (i) => magnitudes[i]).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : f32(f32(sorted[mid - 1] + sorted[mid]) / 2);
  const strong = voiced.filter((i) => magnitudes[i] >= median).map((i) => pitches[i]);
  return pitchTuning(strong, tuningOptions);
}
