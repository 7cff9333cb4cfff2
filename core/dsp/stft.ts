import { RealFft } from './fft.js';
import {
  contrastBands,
  contrastFromExtremes,
  rmsFromMagnitude,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralRolloff,
  type ContrastOptions,
} from './spectral.js';
import { timeFrequency, type TimeFrequency } from './types.js';
import { stftKernel, type FrameStatistics } from './wasm/kernels.js';

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
  return stftMagnitudeAndPower(y, options).magnitude;
}

const float32Windows = new Map<number, Float32Array>();

function float32Window(kind: StftOptions['window'], nFft: number): Float32Array {
  if (kind === 'ones') return new Float32Array(nFft).fill(1);
  let window = float32Windows.get(nFft);
  if (!window) {
    window = Float32Array.from(hannWindow(nFft));
    float32Windows.set(nFft, window);
  }
  return window;
}

/**
 * stftMagnitude and its square (float32 magnitudes squared in float32, as librosa's S**2), from
 * the WebAssembly SIMD kernels (four frames at a time, float32) where they run, else from
 * stftMagnitudeAndPowerJs.
 */
export function stftMagnitudeAndPower(y: Float32Array, options: StftOptions = {}): { magnitude: TimeFrequency; power: TimeFrequency } {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  const magnitude = timeFrequency(nFrames, (nFft >> 1) + 1);
  const power = timeFrequency(nFrames, (nFft >> 1) + 1);
  if (nFft >= 8 && stftKernel(y, hopLength, float32Window(options.window, nFft), magnitude.data, power.data)) {
    return { magnitude, power };
  }
  return stftMagnitudeAndPowerJs(y, options);
}

export interface StftStatisticsOptions extends StftOptions {
  sr: number;
  /** spectral_rolloff's roll_percent. */
  rollPercent: number;
  /** spectral_contrast's settings (its sr is this sr). */
  contrast: Omit<ContrastOptions, 'sr'>;
  /** Where to put the magnitude and power spectrograms (else they are allocated). */
  workspace?: SpectrogramWorkspace;
}

/**
 * Grow-only buffers for spectrograms that are dropped before the next call: a 30-s clip's magnitude
 * and power spectrograms are 10 MB, and allocating (zeroing, faulting in, collecting) that much
 * per track costs more than computing it.
 */
export class SpectrogramWorkspace {
  private magnitude = new Float32Array(0);
  private power = new Float32Array(0);

  /** Two spectrograms' storage, valid until the next take (their contents are not cleared). */
  take(nFrames: number, nBins: number): { magnitude: TimeFrequency; power: TimeFrequency } {
    const length = nFrames * nBins;
    if (this.magnitude.length < length) {
      this.magnitude = new Float32Array(length);
      this.power = new Float32Array(length);
    }
    return {
      magnitude: { data: this.magnitude.subarray(0, length), nFrames, nBins },
      power: { data: this.power.subarray(0, length), nFrames, nBins },
    };
  }
}

export interface StftWithStatistics extends FrameStatistics {
  magnitude: TimeFrequency;
  power: TimeFrequency;
  /** frames × (nBands + 1) */
  contrast: TimeFrequency;
}

/**
 * stftMagnitudeAndPower plus, per frame, librosa's spectral_centroid, spectral_bandwidth (p = 2),
 * spectral_rolloff, rms and spectral_contrast of the magnitude, and its largest value: computed by the WebAssembly kernels
 * while each batch of frames is in cache (float32 sums in bin order), else by core/dsp/spectral.ts.
 */
export function stftWithStatistics(y: Float32Array, options: StftStatisticsOptions): StftWithStatistics {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  const nBins = (nFft >> 1) + 1;
  const { sr, rollPercent } = options;
  const contrastOptions = { ...options.contrast, sr };
  const bands = contrastBands(nBins, contrastOptions);
  const { magnitude, power } = options.workspace?.take(nFrames, nBins) ?? {
    magnitude: timeFrequency(nFrames, nBins),
    power: timeFrequency(nFrames, nBins),
  };
  const extras = {
    sr,
    rollPercent,
    contrastBands: bands,
    centroid: new Float32Array(nFrames),
    bandwidth: new Float32Array(nFrames),
    rolloff: new Float32Array(nFrames),
    rms: new Float32Array(nFrames),
    peak: new Float32Array(nFrames),
    contrastPeak: new Float32Array(nFrames * bands.length),
    contrastValley: new Float32Array(nFrames * bands.length),
  };
  const window = float32Window(options.window, nFft);
  if (nFft >= 8 && stftKernel(y, hopLength, window, magnitude.data, power.data, extras)) {
    const { centroid, bandwidth, rolloff, rms, peak, contrastPeak, contrastValley } = extras;
    const contrast = contrastFromExtremes(contrastPeak, contrastValley, nFrames, contrastOptions.linear ?? false);
    return { magnitude, power, centroid, bandwidth, rolloff, rms, peak, contrast };
  }
  const spectra = stftMagnitudeAndPowerJs(y, options);
  const centroid = spectralCentroid(spectra.magnitude, { sr });
  return {
    ...spectra,
    centroid,
    bandwidth: spectralBandwidth(spectra.magnitude, { sr, centroid }),
    rolloff: spectralRolloff(spectra.magnitude, { sr, rollPercent }),
    rms: rmsFromMagnitude(spectra.magnitude),
    peak: frameMaxima(spectra.magnitude),
    contrast: spectralContrast(spectra.magnitude, contrastOptions),
  };
}
/** The largest value of each frame. */
export function frameMaxima(S: TimeFrequency): Float32Array {
  const out = new Float32Array(S.nFrames);
  for (let t = 0; t < S.nFrames; t++) {
    let max = 0;
    for (let f = t * S.nBins; f < (t + 1) * S.nBins; f++) if (S.data[f] > max) max = S.data[f];
    out[t] = max;
  }
  return out;
}

/**
 * The plain-JavaScript stftMagnitudeAndPower (float64 FFT): the path where WebAssembly SIMD is
 * missing, and the reference the kernels are tested against. Each frame is squared while it is
 * still in cache rather than in a second pass over the spectrogram.
 */
export function stftMagnitudeAndPowerJs(y: Float32Array, options: StftOptions = {}): { magnitude: TimeFrequency; power: TimeFrequency } {
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? nFft / 4;
  const window = options.window === 'ones' ? null : hannWindow(nFft);
  const nBins = (nFft >> 1) + 1;
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  const magnitude = timeFrequency(nFrames, nBins);
  const power = timeFrequency(nFrames, nBins);
  const fft = new RealFft(nFft);
  const frame = new Float64Array(nFft);
  const m = magnitude.data;
  for (let t = 0; t < nFrames; t++) {
    fillFrame(y, t, hopLength, window, frame);
    const row = t * nBins;
    fft.forwardMagnitude(frame, m, row);
    for (let i = row; i < row + nBins; i++) power.data[i] = m[i] * m[i];
  }
  return { magnitude, power };
}
