import FFT from 'fft.js';
import { downsampleByTwo } from './resample.js';
import { hannWindow, stftFrameCount } from './stft.js';
import { timeFrequency, type TimeFrequency } from './types.js';
import { cqtKernelTables, cqtResponseKernel, type CqtKernelTables, type SparseFilterBasis } from './wasm/kernels.js';

/** librosa.note_to_hz('C1'): the default lowest CQT frequency. */
export const C1_HZ = 440 * 2 ** ((24 - 69) / 12);

/** librosa.filters.WINDOW_BANDWIDTHS['hann']. */
const HANN_BANDWIDTH = 1.50018310546875;

export interface CqtOptions {
  sr: number;
  hopLength: number;
  nBins: number;
  binsPerOctave: number;
  /** Lowest frequency before the tuning correction; librosa's default is C1. */
  fMin?: number;
  /** Tuning offset in fractions of a bin (see estimateTuning). */
  tuning?: number;
  /** Fraction of each filter's spectral magnitude that may be discarded (librosa's `sparsity`). */
  sparsity?: number;
  /**
   * false forces the plain-JavaScript float64 path, which otherwise runs only where WebAssembly
   * SIMD is missing; it is the reference the kernels are tested against.
   */
  useKernels?: boolean;
}

/**
 * One octave's filters in the frequency domain. Each sparsified filter is kept as the band of FFT
 * bins from its first to its last nonzero (zeros inside the band, which are rare, are stored too):
 * dense loops over short bands beat index lookups.
 */
/** One octave's filters: a sparse basis over the FFT bins they use (see SparseFilterBasis). */
interface OctaveBasis extends SparseFilterBasis {
  /** Index of this octave's first CQT bin in the output. */
  firstBin: number;
  nFilters: number;
  hopLength: number;
}

interface CqtPlan {
  octaves: OctaveBasis[];
  /** 1 / sqrt(filter length at the input rate), librosa's `scale=True`. */
  outputScale: Float64Array;
  /** The octaves packed for the WebAssembly kernels, built on first use. */
  kernelTables?: CqtKernelTables[];
}

/**
 * librosa.interval_frequencies(n_bins, fmin, intervals='equal', bins_per_octave): octave
 * multiples of the equal-tempered ratios, which is how librosa 0.10 builds the CQT grid.
 */
export function cqtFrequencies(nBins: number, fMin: number, binsPerOctave: number): Float64Array {
  const freqs = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) {
    const octave = Math.floor(k / binsPerOctave);
    freqs[k] = 2 ** octave * 2 ** ((k % binsPerOctave) / binsPerOctave) * fMin;
  }
  return freqs;
}

/** librosa.filters._relative_bandwidth: each bin's alpha from the local bins-per-octave spacing. */
export function relativeBandwidth(freqs: Float64Array): Float64Array {
  const n = freqs.length;
  if (n < 2) throw new Error('relativeBandwidth needs at least two frequencies');
  const logf = Array.from(freqs, Math.log2);
  const alpha = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const bpo =
      k === 0 ? 1 / (logf[1] - logf[0]) : k === n - 1 ? 1 / (logf[n - 1] - logf[n - 2]) : 2 / (logf[k + 1] - logf[k - 1]);
    const r = 2 ** (2 / bpo);
    alpha[k] = (r - 1) / (r + 1);
  }
  return alpha;
}

/**
 * librosa.util.sparsify_rows for one row: keeps every entry whose magnitude is at least the
 * smallest one needed so that the discarded entries carry less than `quantile` of the row's L1 mass.
 */
function sparsifyRow(re: Float64Array, im: Float64Array, quantile: number): number[] {
  const n = re.length;
  const mags = new Float64Array(n);
  let norm = 0;
  for (let j = 0; j < n; j++) {
    mags[j] = Math.hypot(re[j], im[j]);
    norm += mags[j];
  }
  const sorted = mags.slice().sort();
  let cumulative = 0;
  let threshold = sorted[n - 1];
  for (let j = 0; j < n; j++) {
    cumulative += sorted[j] / norm;
    if (!(cumulative < quantile)) {
      threshold = sorted[j];
      break;
    }
  }
  const kept: number[] = [];
  for (let j = 0; j < n; j++) if (mags[j] >= threshold) kept.push(j);
  return kept;
}

/**
 * One octave of librosa's __vqt_filter_fft (filters.wavelet with pad_fft and norm 1, gamma 0):
 * Hann-windowed complex exponentials, L1-normalised, centred in a power-of-two frame, scaled by
 * length / n_fft, transformed, sparsified, and rescaled by sqrt(sr / octaveSr) for the downsampling.
 */
function octaveBasis(
  freqs: Float64Array,
  alpha: Float64Array,
  octaveSr: number,
  sr: number,
  sparsity: number,
): Omit<OctaveBasis, 'firstBin' | 'hopLength'> {
  const nFilters = freqs.length;
  const lengths = freqs.map((f, k) => ((1 / alpha[k]) * octaveSr) / f);
  const nFft = 2 ** Math.ceil(Math.log2(Math.max(...lengths)));
  const fft = new FFT(nFft);
  const signal = new Float64Array(2 * nFft);
  const spectrum = new Float64Array(2 * nFft);
  const nKeep = nFft / 2 + 1;
  const rowRe = new Float64Array(nKeep);
  const rowIm = new Float64Array(nKeep);
  const downsampleGain = Math.sqrt(sr / octaveSr);

  const bandStart = new Int32Array(nFilters);
  const bandFirst = new Int32Array(nFilters);
  const bandLength = new Int32Array(nFilters);
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < nFilters; k++) {
    const length = lengths[k];
    // np.arange(-ilen // 2, ilen // 2): Python floor division of a float length.
    const start = Math.floor(-length / 2);
    const count = Math.floor(length / 2) - start;
    const window = hannWindow(count);
    let l1 = 0;
    for (let i = 0; i < count; i++) l1 += window[i];
    const lpad = Math.floor((nFft - count) / 2);
    const gain = length / nFft / l1;
    const omega = (2 * Math.PI * freqs[k]) / octaveSr;
    signal.fill(0);
    for (let i = 0; i < count; i++) {
      const phase = (start + i) * omega;
      signal[2 * (lpad + i)] = Math.cos(phase) * window[i] * gain;
      signal[2 * (lpad + i) + 1] = Math.sin(phase) * window[i] * gain;
    }
    fft.transform(spectrum, signal);
    for (let j = 0; j < nKeep; j++) {
      rowRe[j] = spectrum[2 * j];
      rowIm[j] = spectrum[2 * j + 1];
    }
    const kept = sparsifyRow(rowRe, rowIm, sparsity);
    const first = kept[0];
    const last = kept[kept.length - 1];
    bandStart[k] = re.length;
    bandFirst[k] = first;
    bandLength[k] = last - first + 1;
    const keep = new Set(kept);
    for (let j = first; j <= last; j++) {
      re.push(keep.has(j) ? rowRe[j] * downsampleGain : 0);
      im.push(keep.has(j) ? rowIm[j] * downsampleGain : 0);
    }
  }
  const lowBin = Math.min(...bandFirst);
  const highBin = Math.max(...bandFirst.map((first, k) => first + bandLength[k] - 1));
  return {
    nFilters,
    nFft,
    lowBin,
    highBin,
    bandStart,
    bandFirstBin: bandFirst.map((first) => first - lowBin),
    bandLength,
    re: Float64Array.from(re),
    im: Float64Array.from(im),
  };
}

/** Plans by parameters. Estimated tunings fall on a 0.01-bin grid, so a track library needs at most ~100. */
const planCache = new Map<string, CqtPlan>();
const PLAN_CACHE_LIMIT = 128;

function cqtPlan(sr: number, hopLength: number, nBins: number, binsPerOctave: number, fMin: number, sparsity: number): CqtPlan {
  const key = [sr, hopLength, nBins, binsPerOctave, fMin, sparsity].join('|');
  const cached = planCache.get(key);
  if (cached) return cached;

  const freqs = cqtFrequencies(nBins, fMin, binsPerOctave);
  // A single bin has no neighbours to measure; librosa then uses the equal-tempered bandwidth.
  const etRatio = 2 ** (2 / binsPerOctave);
  const alpha = nBins > 1 ? relativeBandwidth(freqs) : Float64Array.of((etRatio - 1) / (etRatio + 1));
  // wavelet_lengths' cutoff: the highest filter's upper band edge must stay below Nyquist.
  let cutoff = 0;
  for (let k = 0; k < nBins; k++) cutoff = Math.max(cutoff, freqs[k] * (1 + 0.5 * HANN_BANDWIDTH * alpha[k]));
  if (cutoff > sr / 2) {
    throw new RangeError(`CQT filters reach ${cutoff.toFixed(1)} Hz, above the Nyquist frequency ${sr / 2} Hz`);
  }

  const octaves: OctaveBasis[] = [];
  const nOctaves = Math.ceil(nBins / binsPerOctave);
  let octaveSr = sr;
  let hop = hopLength;
  for (let i = 0; i < nOctaves; i++) {
    const end = nBins - i * binsPerOctave;
    const firstBin = Math.max(0, end - binsPerOctave);
    const basis = octaveBasis(freqs.subarray(firstBin, end), alpha.subarray(firstBin, end), octaveSr, sr, sparsity);
    octaves.push({ ...basis, firstBin, hopLength: hop });
    // librosa halves the rate only while the hop stays an integer.
    if (hop % 2 === 0) {
      hop /= 2;
      octaveSr /= 2;
    }
  }
  const outputScale = freqs.map((f, k) => 1 / Math.sqrt(((1 / alpha[k]) * sr) / f));
  const plan = { octaves, outputScale };
  if (planCache.size >= PLAN_CACHE_LIMIT) planCache.delete(planCache.keys().next().value as string);
  planCache.set(key, plan);
  return plan;
}

/**
 * np.abs(librosa.cqt(y, sr, hop_length, fmin, n_bins, bins_per_octave, tuning, filter_scale=1,
 * norm=1, sparsity=0.01, window='hann', scale=True, pad_mode='constant', res_type='polyphase')),
 * frames × nBins. Filter bases are cached per parameter set.
 */
export function cqtMagnitude(y: Float32Array, options: CqtOptions): TimeFrequency {
  const { sr, hopLength, nBins, binsPerOctave } = options;
  const tunedFMin = (options.fMin ?? C1_HZ) * 2 ** ((options.tuning ?? 0) / binsPerOctave);
  const plan = cqtPlan(sr, hopLength, nBins, binsPerOctave, tunedFMin, options.sparsity ?? 0.01);

  // __trim_stack keeps the frame count of the shortest octave.
  let nFrames = Infinity;
  let length = y.length;
  let longestPadded = 0;
  for (let i = 0; i < plan.octaves.length; i++) {
    const { nFft, hopLength: hop } = plan.octaves[i];
    nFrames = Math.min(nFrames, stftFrameCount(length, nFft, hop));
    longestPadded = Math.max(longestPadded, nFft + Math.max(length, (stftFrameCount(length, nFft, hop) - 1) * hop + nFft / 2));
    if (i + 1 < plan.octaves.length && plan.octaves[i + 1].hopLength !== hop) length = Math.ceil(length / 2);
  }

  const result = timeFrequency(nFrames, nBins);
  const signals: Float32Array[] = [];
  let signal = y;
  for (let i = 0; i < plan.octaves.length; i++) {
    signals.push(signal);
    const next = plan.octaves[i + 1];
    if (next && next.hopLength !== plan.octaves[i].hopLength) signal = downsampleByTwo(signal);
  }
  if (options.useKernels !== false) {
    plan.kernelTables ??= plan.octaves.map((octave) =>
      cqtKernelTables(octave, plan.outputScale.subarray(octave.firstBin, octave.firstBin + octave.nFilters), octave.firstBin),
    );
    const tables = plan.kernelTables;
    const jobs = plan.octaves.map((octave, i) => ({ tables: tables[i], signal: signals[i], hopLength: octave.hopLength }));
    if (cqtResponseKernel(jobs, result.data, nBins)) return result;
  }

  // Without WebAssembly SIMD: every octave's zero-padded signal goes through one float64 buffer,
  // so frames are views of it.
  const padded = new Float64Array(longestPadded);
  plan.octaves.forEach((octave, i) => addOctaveResponse(signals[i], octave, plan.outputScale, result, padded));
  return result;
}

/**
 * librosa's __cqt_response for one octave: basis · stft(signal, n_fft, hop, window='ones',
 * center=True, pad_mode='constant'), written as magnitudes times `outputScale` into the octave's
 * rows of `result`. Only the FFT bins the sparse basis touches are formed: a real frame of N
 * samples read as N/2 complex values takes one half-size complex FFT, and each needed bin comes
 * from two of its outputs.
 */
function addOctaveResponse(
  signal: Float32Array,
  octave: OctaveBasis,
  outputScale: Float64Array,
  result: TimeFrequency,
  padded: Float64Array,
): void {
  const { nFft, hopLength, lowBin, highBin, bandStart, bandFirstBin, bandLength, re, im, firstBin, nFilters } = octave;
  const { nFrames, nBins, data: out } = result;
  const half = nFft >> 1;
  const fft = new FFT(half);
  const z = new Float64Array(nFft);
  const nUsed = highBin - lowBin + 1;
  const dRe = new Float64Array(nUsed);
  const dIm = new Float64Array(nUsed);
  const twiddleRe = new Float64Array(nUsed);
  const twiddleIm = new Float64Array(nUsed);
  const zIndex = new Int32Array(nUsed);
  const zMirror = new Int32Array(nUsed);
  for (let u = 0; u < nUsed; u++) {
    const k = lowBin + u;
    twiddleRe[u] = Math.cos((2 * Math.PI * k) / nFft);
    twiddleIm[u] = -Math.sin((2 * Math.PI * k) / nFft);
    zIndex[u] = 2 * (k % half);
    zMirror[u] = 2 * ((half - k + half) % half);
  }
  const scale = outputScale.subarray(firstBin, firstBin + nFilters);
  // The signal centred in zeros (pad_mode='constant'); frames beyond it read only zeros.
  padded.fill(0, 0, half);
  padded.set(signal, half);
  padded.fill(0, half + signal.length, (nFrames - 1) * hopLength + nFft);
  for (let t = 0; t < nFrames; t++) {
    const frame = padded.subarray(t * hopLength, t * hopLength + nFft);
    fft.transform(z, frame);
    for (let u = 0; u < nUsed; u++) {
      // Even samples' spectrum E = (Z_k + conj Z_{N/2-k}) / 2, odd samples' O = (Z_k − conj Z_{N/2-k}) / 2i,
      // X_k = E + e^{-2πik/N} O.
      const zr = z[zIndex[u]];
      const zi = z[zIndex[u] + 1];
      const cr = z[zMirror[u]];
      const ci = -z[zMirror[u] + 1];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      dRe[u] = er + twiddleRe[u] * or - twiddleIm[u] * oi;
      dIm[u] = ei + twiddleRe[u] * oi + twiddleIm[u] * or;
    }
    const row = t * nBins + firstBin;
    for (let k = 0; k < nFilters; k++) {
      // The real and imaginary sums each split in two, so the additions do not wait on each other.
      let sumRe = 0;
      let sumIm = 0;
      let crossRe = 0;
      let crossIm = 0;
      const p0 = bandStart[k];
      const j0 = bandFirstBin[k];
      for (let i = 0; i < bandLength[k]; i++) {
        const p = p0 + i;
        const j = j0 + i;
        sumRe += re[p] * dRe[j];
        crossRe += im[p] * dIm[j];
        sumIm += re[p] * dIm[j];
        crossIm += im[p] * dRe[j];
      }
      const real = sumRe - crossRe;
      const imag = sumIm + crossIm;
      out[row + k] = Math.sqrt(real * real + imag * imag) * scale[k];
    }
  }
}
