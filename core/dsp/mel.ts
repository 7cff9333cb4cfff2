import { timeFrequency, type TimeFrequency } from './types.js';
import { bandedMatrix, bandedProductsKernel, type BandedMatrix } from './wasm/kernels.js';

// Slaney's auditory-toolbox mel scale: linear below 1 kHz, logarithmic above.
const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

/** librosa.hz_to_mel(frequency, htk=False) for one frequency. */
export function hzToMel(hz: number): number {
  return hz >= SLANEY_MIN_LOG_HZ
    ? SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOG_STEP
    : hz / SLANEY_F_SP;
}

/** librosa.mel_to_hz(mel, htk=False) for one mel value. */
export function melToHz(mel: number): number {
  return mel >= SLANEY_MIN_LOG_MEL
    ? SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_MIN_LOG_MEL))
    : SLANEY_F_SP * mel;
}

/** librosa.mel_frequencies(n_mels, fmin, fmax, htk=False): centre frequencies evenly spaced in mels. */
export function melFrequencies(nMels: number, fMin: number, fMax: number): Float64Array {
  const lo = hzToMel(fMin);
  const hi = hzToMel(fMax);
  const out = new Float64Array(nMels);
  // np.linspace: start + i * step, with the end point exact.
  const step = nMels > 1 ? (hi - lo) / (nMels - 1) : 0;
  for (let i = 0; i < nMels; i++) out[i] = melToHz(i === nMels - 1 && nMels > 1 ? hi : lo + i * step);
  return out;
}

/** librosa.fft_frequencies(sr, n_fft): the centre frequency of each of the nFft/2+1 bins. */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const nBins = (nFft >> 1) + 1;
  const out = new Float64Array(nBins);
  for (let f = 0; f < nBins; f++) out[f] = (f * sr) / nFft;
  return out;
}

/**
 * A frequency-major filter bank (nFilters × nBins, dense) with, for each filter, the half-open
 * range [start, end) of bins where its weight is nonzero, so products can skip the zeros.
 */
export interface FilterBank {
  readonly weights: Float32Array;
  readonly nFilters: number;
  readonly nBins: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export interface MelOptions {
  sr: number;
  nFft: number;
  nMels?: number;
  fMin?: number;
  /** Defaults to sr / 2. */
  fMax?: number;
}

/** librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm='slaney'): float32 triangles. */
export function melFilterBank(options: MelOptions): FilterBank {
  const { sr, nFft } = options;
  const nMels = options.nMels ?? 128;
  const fMin = options.fMin ?? 0;
  const fMax = options.fMax ?? sr / 2;
  const nBins = (nFft >> 1) + 1;
  const fftFreqs = fftFrequencies(sr, nFft);
  const melF = melFrequencies(nMels + 2, fMin, fMax);
  const weights = new Float32Array(nMels * nBins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const lowerWidth = melF[m + 1] - melF[m];
    const upperWidth = melF[m + 2] - melF[m + 1];
    // Slaney normalisation: each triangle has unit area in Hz.
    const enorm = 2 / (melF[m + 2] - melF[m]);
    let first = nBins;
    let last = -1;
    for (let f = 0; f < nBins; f++) {
      const lower = (fftFreqs[f] - melF[m]) / lowerWidth;
      const upper = (melF[m + 2] - fftFreqs[f]) / upperWidth;
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        weights[m * nBins + f] = w * enorm;
        if (f < first) first = f;
        last = f;
      }
    }
    start[m] = first;
    end[m] = last + 1;
    if (last < 0) start[m] = end[m] = 0;
  }
  return { weights, nFilters: nMels, nBins, start, end };
}

const packedBanks = new WeakMap<FilterBank, BandedMatrix>();

/** The bank's nonzero band of each filter, packed for the WebAssembly product kernel. */
function packedBank(bank: FilterBank): BandedMatrix {
  let packed = packedBanks.get(bank);
  if (!packed) {
    const segments = [];
    for (let m = 0; m < bank.nFilters; m++) {
      if (bank.end[m] > bank.start[m]) {
        const weights = bank.weights.subarray(m * bank.nBins + bank.start[m], m * bank.nBins + bank.end[m]);
        segments.push({ output: m, start: bank.start[m], weights });
      }
    }
    packed = bandedMatrix(bank.nFilters, segments);
    packedBanks.set(bank, packed);
  }
  return packed;
}

/**
 * `bank @ S` for a time-major spectrogram: librosa.feature.melspectrogram(S=S) given the mel bank.
 * Float32 sums (as librosa's own float32 product) from the WebAssembly product kernel where it runs.
 */
export function applyFilterBank(S: TimeFrequency, bank: FilterBank): TimeFrequency {
  if (S.nBins !== bank.nBins) throw new Error(`filter bank expects ${bank.nBins} bins, got ${S.nBins}`);
  const out = timeFrequency(S.nFrames, bank.nFilters);
  if (bandedProductsKernel(packedBank(bank), S.data, S.nBins, out.data)) return out;
  const { weights, nFilters, nBins, start, end } = bank;
  const input = S.data;
  const output = out.data;
  for (let t = 0; t < S.nFrames; t++) {
    const row = t * nBins;
    for (let m = 0; m < nFilters; m++) {
      // Weight index base + f and input index row + f advance together.
      const shift = m * nBins - row;
      // Four interleaved sums: the loop is bound by the latency of dependent additions, not by loads.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let i = row + start[m];
      const stop = row + end[m];
      for (; i + 3 < stop; i += 4) {
        a0 += weights[shift + i] * input[i];
        a1 += weights[shift + i + 1] * input[i + 1];
        a2 += weights[shift + i + 2] * input[i + 2];
        a3 += weights[shift + i + 3] * input[i + 3];
      }
      for (; i < stop; i++) a0 += weights[shift + i] * input[i];
      output[t * nFilters + m] = a0 + a1 + (a2 + a3);
    }
  }
  return out;
}

/** librosa.feature.melspectrogram(S=power, sr, n_fft, n_mels, fmin, fmax): Slaney mel power. */
export function melSpectrogram(power: TimeFrequency, options: MelOptions): TimeFrequency {
  return applyFilterBank(power, melFilterBank(options));
}

export interface PowerToDbOptions {
  ref?: number;
  amin?: number;
  /** null disables the floor. */
  topDb?: number | null;
}

/** 10 / ln 10: decibels per unit of natural log of a power ratio. */
const DB_PER_NEPER = 10 / Math.LN10;

/**
 * librosa.power_to_db(S, ref, amin, top_db) with a scalar ref: 10·log10(max(amin, S) / ref), floored
 * at (global maximum − top_db).
 */
export function powerToDb(S: Float32Array, options: PowerToDbOptions = {}): Float32Array {
  const ref = options.ref ?? 1;
  const amin = options.amin ?? 1e-10;
  const topDb = options.topDb === undefined ? 80 : options.topDb;
  if (amin <= 0) throw new Error('powerToDb: amin must be strictly positive');
  const out = new Float32Array(S.length);
  const refDb = 10 * Math.log10(Math.max(amin, Math.abs(ref)));
  let max = -Infinity;
  for (let i = 0; i < S.length; i++) {
    // 10·log10 through the natural log: V8's Math.log is about twice as fast as Math.log10, and the
    // two differ by an ulp of float64, far below the float32 result's precision.
    const db = DB_PER_NEPER * Math.log(Math.max(amin, S[i])) - refDb;
    out[i] = db;
    if (out[i] > max) max = out[i];
  }
  if (topDb !== null) {
    if (topDb < 0) throw new Error('powerToDb: topDb must be non-negative');
    const floor = max - topDb;
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  return out;
}

/** powerToDb over a time-frequency matrix, keeping its shape. */
export function powerToDbTf(S: TimeFrequency, options: PowerToDbOptions = {}): TimeFrequency {
  return { data: powerToDb(S.data, options), nFrames: S.nFrames, nBins: S.nBins };
}
