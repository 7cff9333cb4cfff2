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
 * Calls `onFrame(t, re, im)` for each frame of librosa.stft(y, center=True, pad_mode='constant') with
 * the nFft/2+1 bins' real and imaginary parts. The buffers are reused between frames.
 */
function forEachStftSpectrum(
  y: Float32Array,
  options: StftOptions,
  onFrame: (t: number, re: Float64Array, im: Float64Array) => void,
): number {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const window = options.window === 'ones' ? null : hannWindow(nFft);
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  const fft = new RealFft(nFft);
  const frame = new Float64Array(nFft);
  const re = new Float64Array((nFft >> 1) + 1);
  const im = new Float64Array((nFft >> 1) + 1);
  const half = nFft >> 1;
  for (let t = 0; t < nFrames; t++) {
    // Frame t is centred on sample t*hop; samples outside the signal are zero (pad_mode='constant').
    const start = t * hopLength - half;
    if (start >= 0 && start + nFft <= y.length) {
      if (window) for (let i = 0; i < nFft; i++) frame[i] = y[start + i] * window[i];
      else for (let i = 0; i < nFft; i++) frame[i] = y[start + i];
    } else {
      for (let i = 0; i < nFft; i++) {
        const j = start + i;
        const sample = j >= 0 && j < y.length ? y[j] : 0;
        frame[i] = window ? sample * window[i] : sample;
      }
    }
    fft.forward(frame, re, im);
    onFrame(t, re, im);
  }
  return nFrames;
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
  const nBins = ((options.nFft ?? 2048) >> 1) + 1;
  const spectrum = new Float64Array(2 * nBins);
  return forEachStftSpectrum(y, options, (t, re, im) => {
    for (let f = 0; f < nBins; f++) {
      spectrum[2 * f] = re[f];
      spectrum[2 * f + 1] = im[f];
    }
    onFrame(t, spectrum);
  });
}

/** |librosa.stft(y, n_fft, hop_length, window='hann', center=True, pad_mode='constant')|, time-major. */
export function stftMagnitude(y: Float32Array, options: StftOptions = {}): TimeFrequency {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const nBins = nFft / 2 + 1;
  const result = timeFrequency(stftFrameCount(y.length, nFft, hopLength), nBins);
  const data = result.data;
  forEachStftSpectrum(y, { ...options, nFft, hopLength }, (t, re, im) => {
    const row = t * nBins;
    for (let f = 0; f < nBins; f++) data[row + f] = Math.sqrt(re[f] * re[f] + im[f] * im[f]);
  });
  return result;
}
