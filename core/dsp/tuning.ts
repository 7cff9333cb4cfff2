import type { TimeFrequency } from './types.js';

const f32 = Math.fround;

export interface PiptrackOptions {
  sr: number;
  nFft: number;
  fMin?: number;
  fMax?: number;
  threshold?: number;
  /** Each frame's largest value (its reference), where already known: saves a pass over every bin. */
  frameMax?: Float32Array;
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
  const fMin = Math.max(options.fMin ?? 150, 0);
  const fMax = Math.min(options.fMax ?? 4000, sr / 2);
  const { data, nFrames, nBins } = S;
  const binHz = sr / nFft;
  // Bins whose fft frequency lies in [fMin, fMax), clamped to the interior: util.localmax pads by
  // edge values, so bin 0 is never a peak, and the Nyquist bin is never below fMax <= sr/2.
  let lo = 0;
  while (lo < nBins && lo * binHz < fMin) lo++;
  let hi = lo;
  while (hi < nBins && hi * binHz < fMax) hi++;
  lo = Math.max(lo, 1);
  hi = Math.min(hi, nBins - 1);

  // A peak needs a strictly smaller lower neighbour, so at most every other bin is one.
  const capacity = nFrames * Math.max(0, Math.ceil((hi - lo) / 2));
  const pitches = new Float32Array(capacity);
  const magnitudes = new Float32Array(capacity);
  let count = 0;
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    let max = 0;
    if (options.frameMax) max = options.frameMax[t];
    else for (let f = 0; f < nBins; f++) if (data[row + f] > max) max = data[row + f];
    const ref = f32(threshold * max);
    // util.localmax on S * (S > ref): strictly above the lower neighbour, at least the upper one.
    let below = data[row + lo - 1];
    let here = data[row + lo];
    let gatedBelow = below > ref ? below : 0;
    let gatedHere = here > ref ? here : 0;
    for (let f = lo; f < hi; f++) {
      const above = data[row + f + 1];
      const gatedAbove = above > ref ? above : 0;
      if (gatedHere > gatedBelow && gatedHere >= gatedAbove) {
        const a = above + below - 2 * here;
        const b = (above - below) / 2;
        const shift = Math.abs(b) >= Math.abs(a) ? 0 : f32(-b / a);
        const gradient = f32(b);
        pitches[count] = ((f + shift) * sr) / nFft;
        magnitudes[count] = here + f32(f32(0.5 * gradient) * shift);
        count++;
      }
      below = here;
      here = above;
      gatedBelow = gatedHere;
      gatedHere = gatedAbove;
    }
  }
  return { pitches: pitches.subarray(0, count), magnitudes: magnitudes.subarray(0, count) };
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
  /** See PiptrackOptions. */
  frameMax?: Float32Array;
  binsPerOctave?: number;
  resolution?: number;
}

/**
 * librosa.estimate_tuning(S=S, sr, n_fft, resolution, bins_per_octave): piptrack peaks whose
 * magnitude is at least the median peak magnitude, then pitch_tuning. S is a magnitude or power
 * spectrogram, frames × (nFft/2+1).
 */
export function estimateTuning(S: TimeFrequency, options: EstimateTuningOptions): number {
  const { pitches, magnitudes } = piptrack(S, { sr: options.sr, nFft: options.nFft, frameMax: options.frameMax });
  const tuningOptions = { resolution: options.resolution, binsPerOctave: options.binsPerOctave };
  // estimate_tuning's mask counts only pitch > 0 (a parabolic shift can push bin 1 to 0 Hz at most).
  const voiced = new Float32Array(pitches.length);
  let nVoiced = 0;
  for (let i = 0; i < pitches.length; i++) if (pitches[i] > 0) voiced[nVoiced++] = magnitudes[i];
  if (nVoiced === 0) return pitchTuning([], tuningOptions);
  const median = float32Median(voiced.subarray(0, nVoiced));
  const strong = new Float32Array(nVoiced);
  let nStrong = 0;
  for (let i = 0; i < pitches.length; i++) if (pitches[i] > 0 && magnitudes[i] >= median) strong[nStrong++] = pitches[i];
  return pitchTuning(strong.subarray(0, nStrong), tuningOptions);
}

/** np.median of float32 values: the middle value, or the float32 mean of the middle two. Reorders `values`. */
function float32Median(values: Float32Array): number {
  const n = values.length;
  const upper = selectKth(values, n >> 1);
  if (n % 2) return upper;
  // After selection everything left of n/2 is <= upper; the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (values[i] > lower) lower = values[i];
  return f32(f32(lower + upper) / 2);
}

/** Quickselect: rearranges `values` so that values[k] is the k-th smallest, smaller ones before it. */
function selectKth(values: Float32Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k];
}
