import { RealFft } from './fft.js';
import { timeFrequency, type TimeFrequency } from './types.js';

/** scipy.signal.get_window('hann', n, fftbins=True): the periodic Hann window librosa uses. */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

export interface StftOptions {
  nFft?: number;
  hopLength?: number;
  /** 'hann' (librosa's default) or 'ones' (the rectangular window librosa's CQT uses). */
  window?: 'hann' | 'ones';
}

/** Number of frames librosa.stft(center=True) produces for `length` samples. */
export function stftFrameCount(length: number, nFft: number, hopLength: number): number {
  return 1 + Math.floor(length / hopLength);
}

/**
 * Writes frame t of librosa.stft(y, center=True, pad_mode='constant') into `frame`: nFft samples
 * centred on sample t·hop (zeros outside the signal), times the window unless it is rectangular.
 */
function fillFrame(y: Float32Array, t: number, hopLength: number, window: Float64Array | null, frame: Float64Array): void {
  const nFft = frame.length;
  const start = t * hopLength - (nFft >> 1);
  if (start >= 0 && start + nFft <= y.length) {
    if (window) for (let i = 0; i < nFft; i++) frame[i] = y[start + i] * window[i];
    else for (let i = 0; i < nFft; i++) frame[i] = y[start + i];
    return;
  }
  for (let i = 0; i < nFft; i++) {
    const j = start + i;
    const sample = j >= 0 && j < y.length ? y[j] : 0;
    frame[i] = window ? sample * window[i] : sample;
  }
}

/**
 * Calls `onFrame(t, spectrum)` for each frame of librosa.stft(y, center=True, pad_mode='constant'),
 * where `spectrum` holds the nFft/2+1 complex bins interleaved (re, im). The buffer is reused.
 */
export function forEachStftFrame(
  y: Float32Array,
  options: StftOptions,
  onFrame: (t: number, spectrum: Float64Array) => void,
): number {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const window = options.window === 'ones' ? null : hannWindow(nFft);
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  const fft = new RealFft(nFft);
  const frame = new Float64Array(nFft);
  const spectrum = new Float64Array(nFft + 2);
  for (let t = 0; t < nFrames; t++) {
    fillFrame(y, t, hopLength, window, frame);
    fft.forward(frame, spectrum);
    onFrame(t, spectrum);
  }
  return nFrames;
}

/** |librosa.stft(y, n_fft, hop_length, window='hann', center=True, pad_mode='constant')|, time-major. */
export function stftMagnitude(y: Float32Array, options: StftOptions = {}): TimeFrequency {
  return magnitudeFrames(y, options, null);
}

/**
 * stftMagnitude and its square (float32 magnitudes squared in float32, as librosa's S**2), each
 * frame squared while it is still in cache rather than in a second pass over the spectrogram.
 */
export function stftMagnitudeAndPower(y: Float32Array, options: StftOptions = {}): { magnitude: TimeFrequency; power: TimeFrequency } {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const power = timeFrequency(stftFrameCount(y.length, nFft, hopLength), (nFft >> 1) + 1);
  return { magnitude: magnitudeFrames(y, options, power), power };
}

/** The magnitude STFT; also writes its square into `power` when one is given. */
function magnitudeFrames(y: Float32Array, options: StftOptions, power: TimeFrequency | null): TimeFrequency {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const window = options.window === 'ones' ? null : hannWindow(nFft);
  const nBins = (nFft >> 1) + 1;
  const magnitude = timeFrequency(stftFrameCount(y.length, nFft, hopLength), nBins);
  const fft = new RealFft(nFft);
  const frame = new Float64Array(nFft);
  const m = magnitude.data;
  for (let t = 0; t < magnitude.nFrames; t++) {
    fillFrame(y, t, hopLength, window, frame);
    const row = t * nBins;
    fft.forwardMagnitude(frame, m, row);
    if (power) for (let i = row; i < row + nBins; i++) power.data[i] = m[i] * m[i];
  }
  return magnitude;
}
