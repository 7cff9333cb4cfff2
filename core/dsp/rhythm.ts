import FFT from 'fft.js';
import { hannWindow } from './stft.js';
import { forEachSpectrumBatch } from './wasm/kernels.js';

/** Smallest normal float64: util.normalize leaves frames whose norm is below it unscaled. */
const FLOAT64_TINY = 2.2250738585072014e-308;

export interface TempogramOptions {
  winLength?: number;
  center?: boolean;
  /**
   * false forces the plain-JavaScript float64 path, which otherwise runs only where WebAssembly
   * SIMD is missing; it is the reference the kernels are tested against.
   */
  useKernels?: boolean;
}

/**
 * np.mean(librosa.feature.tempogram(onset_envelope, win_length, center, window='hann',
 * norm=np.inf), axis=-1): the time-average of the autocorrelations of the Hann-windowed stretches of
 * the onset envelope (hop 1, centred with linear ramps to zero at both ends), each scaled so its
 * largest value (lag 0, the stretch's energy) is 1. Returns winLength values, lag 0 first.
 *
 * Averaging commutes with the inverse FFT, and each frame's scale (its energy) follows from its
 * power spectrum, so this sums the frames' scaled power spectra and transforms back once, instead
 * of producing the full frames × lags tempogram.
 */
export function meanTempogram(onsetEnvelope: Float32Array, options: TempogramOptions = {}): Float64Array {
  const winLength = options.winLength ?? 384;
  const center = options.center ?? true;
  if (winLength < 1) throw new Error('tempogram: winLength must be positive');
  const n = onsetEnvelope.length;
  const half = center ? winLength >> 1 : 0;
  const padded = new Float64Array(n + 2 * half);
  padded.set(onsetEnvelope, half);
  if (center && n > 0) {
    // np.pad(mode='linear_ramp', end_values=0): ramps from 0 towards the edge value, edge excluded.
    for (let i = 0; i < half; i++) {
      padded[i] = (onsetEnvelope[0] * i) / half;
      padded[half + n + i] = (onsetEnvelope[n - 1] * (half - 1 - i)) / half;
    }
  }
  const nFrames = center ? n : Math.max(0, padded.length - winLength + 1);
  const mean = new Float64Array(winLength);
  if (nFrames === 0) return mean;

  // Linear (not circular) autocorrelation needs a transform of at least 2·winLength − 1 points.
  let size = 1;
  while (size < 2 * winLength - 1) size <<= 1;
  // Σ_t |X_t|² / energy_t, real and even, so only bins 0..size/2 are accumulated.
  const summed = new Float64Array((size >> 1) + 1);
  const viaKernels = options.useKernels !== false && addNormalisedSpectraWithKernels(padded, nFrames, winLength, size, summed);
  if (!viaKernels) {
    addNormalisedSpectra(padded, nFrames, winLength, size, summed);
  }
  // Back to lags: the inverse DFT of a real even spectrum, divided by the number of frames.
  const cosines = new Float64Array(size);
  for (let m = 0; m < size; m++) cosines[m] = Math.cos((2 * Math.PI * m) / size);
  for (let k = 0; k < winLength; k++) {
    let acc = summed[0] + (k % 2 === 0 ? 1 : -1) * summed[size >> 1];
    for (let f = 1; f < size >> 1; f++) acc += 2 * summed[f] * cosines[(f * k) % size];
    mean[k] = acc / size / nFrames;
  }
  return mean;
}

/**
 * Adds |X_t|² / energy_t to `summed` (bins 0..size/2) for each frame t of the WebAssembly kernels'
 * short-time spectra: padded[t..t+winLength) Hann-windowed, zero-padded to `size`. Returns false,
 * adding nothing, where the kernels cannot run.
 */
function addNormalisedSpectraWithKernels(
  padded: Float64Array,
  nFrames: number,
  winLength: number,
  size: number,
  summed: Float64Array,
): boolean {
  if (size < 8) return false; // the kernels' smallest real transform
  const window = new Float32Array(size);
  window.set(hannWindow(winLength));
  const nBins = (size >> 1) + 1;
  const batches = { signal: Float32Array.from(padded), frontZeros: 0, nFrames, hopLength: 1, window };
  return forEachSpectrumBatch(batches, (_t, count, { power }) => {
    for (let frame = 0; frame < count; frame++) {
      const row = frame * nBins;
      // Parseval: the frame's energy (its lag-0 autocorrelation) from its one-sided power spectrum.
      let twiceInner = 0;
      for (let k = row + 1; k < row + nBins - 1; k++) twiceInner += power[k];
      const energy = (power[row] + power[row + nBins - 1] + 2 * twiceInner) / size;
      // A frame of zeros stays zero in librosa's normalisation; it adds nothing.
      if (energy < FLOAT64_TINY) continue;
      const weight = 1 / energy;
      for (let k = 0; k < nBins; k++) summed[k] += weight * power[row + k];
    }
  });
}

/** addNormalisedSpectraWithKernels in plain JavaScript (float64), two real frames per complex transform. */
function addNormalisedSpectra(padded: Float64Array, nFrames: number, winLength: number, size: number, summed: Float64Array): void {
  const fft = new FFT(size);
  const window = hannWindow(winLength);
  // Entries past 2·winLength stay zero: the padding that makes the autocorrelation linear.
  const input = new Float64Array(2 * size);
  const spectrum = new Float64Array(2 * size);
  for (let t = 0; t < nFrames; t += 2) {
    // Two real frames per complex transform: frame t as the real part, frame t+1 as the imaginary.
    const hasPair = t + 1 < nFrames;
    const energyA = windowedFrame(padded, t, window, input, 0);
    const energyB = hasPair ? windowedFrame(padded, t + 1, window, input, 1) : clearPart(input, winLength, 1);
    fft.transform(spectrum, input);
    // A frame of zeros stays zero in librosa's normalisation; it adds nothing.
    const weightA = energyA < FLOAT64_TINY ? 0 : 1 / (4 * energyA);
    const weightB = energyB < FLOAT64_TINY ? 0 : 1 / (4 * energyB);
    for (let k = 0; k <= size >> 1; k++) {
      const mirror = k === 0 ? 0 : size - k;
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      const reMirror = spectrum[2 * mirror];
      const imMirror = spectrum[2 * mirror + 1];
      // X_a = (Z_k + conj Z_{-k}) / 2 and X_b = (Z_k − conj Z_{-k}) / 2j; |X|² carries the 1/4.
      const aRe = re + reMirror;
      const aIm = im - imMirror;
      const bRe = im + imMirror;
      const bIm = reMirror - re;
      summed[k] += weightA * (aRe * aRe + aIm * aIm) + weightB * (bRe * bRe + bIm * bIm);
    }
  }
}

/**
 * Writes padded[t..t+winLength) × window into the real (part 0) or imaginary (part 1) entries of
 * `interleaved`, and returns the frame's energy (its lag-0 autocorrelation).
 */
function windowedFrame(padded: Float64Array, t: number, window: Float64Array, interleaved: Float64Array, part: 0 | 1): number {
  let energy = 0;
  const inside = Math.min(window.length, padded.length - t);
  for (let i = 0; i < inside; i++) {
    const v = padded[t + i] * window[i];
    interleaved[2 * i + part] = v;
    energy += v * v;
  }
  for (let i = Math.max(inside, 0); i < window.length; i++) interleaved[2 * i + part] = 0;
  return energy;
}

/** Zeroes the first `count` real (part 0) or imaginary (part 1) entries; returns 0, the energy left. */
function clearPart(interleaved: Float64Array, count: number, part: 0 | 1): number {
  for (let i = 0; i < count; i++) interleaved[2 * i + part] = 0;
  return 0;
}

/** librosa.tempo_frequencies(n_bins, hop_length, sr): the tempo in BPM of each autocorrelation lag (lag 0: ∞). */
export function tempoFrequencies(nBins: number, options: { sr: number; hopLength: number }): Float64Array {
  const out = new Float64Array(nBins);
  out[0] = Infinity;
  for (let k = 1; k < nBins; k++) out[k] = (60 * options.sr) / (options.hopLength * k);
  return out;
}

export interface TempoOptions {
  sr: number;
  hopLength: number;
  startBpm?: number;
  stdBpm?: number;
  /** Seconds of onset envelope per autocorrelation window. */
  acSize?: number;
  maxTempo?: number | null;
}

/**
 * librosa.feature.tempo(onset_envelope, sr, hop_length, start_bpm, std_bpm, ac_size, max_tempo,
 * aggregate=np.mean): the lag maximising log1p(1e6 · mean tempogram) plus a log-normal prior
 * around startBpm, as BPM.
 */
export function tempo(onsetEnvelope: Float32Array, options: TempoOptions): number {
  const { sr, hopLength } = options;
  const startBpm = options.startBpm ?? 120;
  const stdBpm = options.stdBpm ?? 1;
  const acSize = options.acSize ?? 8;
  const maxTempo = options.maxTempo === undefined ? 320 : options.maxTempo;
  if (startBpm <= 0) throw new Error('tempo: startBpm must be positive');
  const winLength = Math.floor((acSize * sr) / hopLength);
  const mean = meanTempogram(onsetEnvelope, { winLength });
  const bpms = tempoFrequencies(winLength, { sr, hopLength });
  let firstAllowed = 0;
  if (maxTempo !== null) {
    // librosa: np.argmax(bpms < max_tempo), which is 0 when no lag qualifies.
    while (firstAllowed < winLength && !(bpms[firstAllowed] < maxTempo)) firstAllowed++;
    if (firstAllowed === winLength) firstAllowed = 0;
  }
  let best = 0;
  let bestScore = -Infinity;
  for (let k = firstAllowed; k < winLength; k++) {
    const prior = -0.5 * ((Math.log2(bpms[k]) - Math.log2(startBpm)) / stdBpm) ** 2;
    const score = Math.log1p(1e6 * mean[k]) + prior;
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return bpms[best];
}

/**
 * The tempo librosa.beat.beat_track(y, sr, hop_length, start_bpm) reports, from its onset envelope
 * (onset_strength with aggregate=np.median): 0 when the envelope is silent.
 */
export function beatTrackTempo(onsetEnvelope: Float32Array, options: TempoOptions): number {
  if (!onsetEnvelope.some((v) => v !== 0)) return 0;
  return tempo(onsetEnvelope, options);
}
