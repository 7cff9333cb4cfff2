import FFT from 'fft.js';
import { hannWindow } from './stft.js';
import { timeFrequency, type TimeFrequency } from './types.js';

/** Smallest normal float64: util.normalize leaves frames whose norm is below it unscaled. */
const FLOAT64_TINY = 2.2250738585072014e-308;

export interface TempogramOptions {
  winLength?: number;
  center?: boolean;
}

/**
 * librosa.feature.tempogram(onset_envelope, win_length, center, window='hann', norm=np.inf): the
 * autocorrelation of each Hann-windowed stretch of the onset envelope (hop 1, centred with linear
 * ramps down to zero at both ends), each frame scaled so its largest lag is 1. Returns
 * frames × winLength (lag-major within a frame).
 */
export function tempogram(onsetEnvelope: Float32Array, options: TempogramOptions = {}): TimeFrequency {
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
  const result = timeFrequency(nFrames, winLength);
  if (nFrames === 0) return result;

  // Linear autocorrelation by FFT, two real frames per complex transform (one as the real part,
  // one as the imaginary part), and both power spectra back through one inverse transform.
  let size = 1;
  while (size < 2 * winLength - 1) size <<= 1;
  const fft = new FFT(size);
  const window = hannWindow(winLength);
  const input = fft.createComplexArray() as number[];
  const spectrum = fft.createComplexArray() as number[];
  const powers = fft.createComplexArray() as number[];
  const lags = fft.createComplexArray() as number[];
  for (let t = 0; t < nFrames; t += 2) {
    const hasPair = t + 1 < nFrames;
    input.fill(0);
    for (let i = 0; i < winLength; i++) {
      if (t + i < padded.length) input[2 * i] = padded[t + i] * window[i];
      if (hasPair && t + 1 + i < padded.length) input[2 * i + 1] = padded[t + 1 + i] * window[i];
    }
    fft.transform(spectrum, input);
    for (let k = 0; k < size; k++) {
      const mirror = k === 0 ? 0 : size - k;
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      const reMirror = spectrum[2 * mirror];
      const imMirror = spectrum[2 * mirror + 1];
      // X_a = (Z_k + conj Z_{-k}) / 2, X_b = (Z_k − conj Z_{-k}) / 2j.
      const aRe = re + reMirror;
      const aIm = im - imMirror;
      const bRe = im + imMirror;
      const bIm = reMirror - re;
      powers[2 * k] = (aRe * aRe + aIm * aIm) / 4;
      powers[2 * k + 1] = (bRe * bRe + bIm * bIm) / 4;
    }
    fft.inverseTransform(lags, powers);
    storeNormalised(result, t, lags, 0);
    if (hasPair) storeNormalised(result, t + 1, lags, 1);
  }
  return result;
}

/** Copies lags 0..winLength-1 (the real or imaginary part of `lags`) into frame t, max-normalised. */
function storeNormalised(result: TimeFrequency, t: number, lags: number[], part: 0 | 1): void {
  const winLength = result.nBins;
  let max = 0;
  for (let k = 0; k < winLength; k++) max = Math.max(max, Math.abs(lags[2 * k + part]));
  const scale = max < FLOAT64_TINY ? 1 : 1 / max;
  for (let k = 0; k < winLength; k++) result.data[t * winLength + k] = lags[2 * k + part] * scale;
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
  const tg = tempogram(onsetEnvelope, { winLength });
  const mean = new Float64Array(winLength);
  for (let t = 0; t < tg.nFrames; t++) {
    for (let k = 0; k < winLength; k++) mean[k] += tg.data[t * winLength + k];
  }
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
    const score = Math.log1p(1e6 * (mean[k] / Math.max(1, tg.nFrames))) + prior;
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
