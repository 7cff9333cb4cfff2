import { timeFrequency, type TimeFrequency } from './types.js';
import { bandedMatrix, bandedProductsKernel, type BandedMatrix } from './wasm/kernels.js';

/** Smallest normal float32: util.normalize leaves frames whose norm is below it unscaled. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * Weights below this fraction of their bin's largest chroma weight are dropped from the filter
 * bank's products: the Gaussian bumps decay to ~1e-30 a few chroma away, and on the golden clips
 * the dropped terms move no normalised chroma value by more than 1e-6 (float32 noise in librosa's
 * own float32 product) while saving a sixth of the work.
 */
const NEGLIGIBLE_WEIGHT = 1e-6;

export interface ChromaFilterOptions {
  sr: number;
  nFft: number;
  nChroma?: number;
  /** Deviation from A440 in fractions of a chroma bin. */
  tuning?: number;
  ctroct?: number;
  octwidth?: number | null;
  baseC?: boolean;
}

/**
 * librosa.filters.chroma(sr, n_fft, n_chroma, tuning, ctroct, octwidth, norm=2, base_c): Gaussian
 * bumps around each chroma for every FFT bin (columns L2-normalised), weighted by a Gaussian over
 * octaves centred on ctroct. Returns the float32 matrix nChroma × (nFft/2+1), chroma-major.
 */
export function chromaFilterBank(options: ChromaFilterOptions): Float32Array {
  const { sr, nFft } = options;
  const nChroma = options.nChroma ?? 12;
  const tuning = options.tuning ?? 0;
  const ctroct = options.ctroct ?? 5;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const baseC = options.baseC ?? true;
  const nBins = (nFft >> 1) + 1;

  // Fractional chroma index of every FFT bin (bin 0 is placed 1.5 octaves below bin 1).
  const a440 = 440 * 2 ** (tuning / nChroma);
  const frqbins = new Float64Array(nFft);
  for (let i = 1; i < nFft; i++) frqbins[i] = nChroma * Math.log2((i * sr) / nFft / (a440 / 16));
  frqbins[0] = frqbins[1] - 1.5 * nChroma;
  const halfChroma = Math.round(nChroma / 2);

  const weights = new Float32Array(nChroma * nBins);
  const column = new Float64Array(nChroma);
  // Only the first nBins columns survive librosa's final slice, and columns are independent.
  for (let i = 0; i < nBins; i++) {
    const binWidth = i < nFft - 1 ? Math.max(frqbins[i + 1] - frqbins[i], 1) : 1;
    let norm = 0;
    for (let c = 0; c < nChroma; c++) {
      // Distance from chroma c, wrapped into [-nChroma/2, nChroma/2).
      const d = positiveRemainder(frqbins[i] - c + halfChroma + 10 * nChroma, nChroma) - halfChroma;
      const w = Math.exp(-0.5 * ((2 * d) / binWidth) ** 2);
      column[c] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    const octaveWeight = octwidth === null ? 1 : Math.exp(-0.5 * ((frqbins[i] / nChroma - ctroct) / octwidth) ** 2);
    // base_c rolls the rows so that chroma 0 is C rather than A.
    const shift = baseC ? 3 * Math.floor(nChroma / 12) : 0;
    for (let c = 0; c < nChroma; c++) {
      const source = (c + shift) % nChroma;
      weights[c * nBins + i] = (column[source] / norm) * octaveWeight;
    }
  }
  return weights;
}

function positiveRemainder(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}

export interface ChromaStftOptions {
  sr: number;
  nChroma?: number;
  /** Estimated with librosa.estimate_tuning by the caller (see core/dsp/tuning.ts). */
  tuning: number;
}

/** The chroma filter bank as, per chroma, runs of consecutive bins with non-negligible weight. */
interface SparseChromaBank {
  /** Chroma c owns runs chromaRuns[c] .. chromaRuns[c+1]-1. */
  chromaRuns: Int32Array;
  /** Run r covers bins [runStart[r], runEnd[r]); its weights follow the previous runs' in runWeights. */
  runStart: Int32Array;
  runEnd: Int32Array;
  runWeights: Float32Array;
  /** The same runs packed for the WebAssembly product kernel. */
  packed: BandedMatrix;
}

// Tuning estimates come in steps of 0.01 bin, so a library's tracks share a handful of banks.
const sparseBanks = new Map<string, SparseChromaBank>();
const MAX_CACHED_BANKS = 32;

function sparseChromaBank(sr: number, nFft: number, nChroma: number, tuning: number): SparseChromaBank {
  const key = `${sr}:${nFft}:${nChroma}:${tuning}`;
  const cached = sparseBanks.get(key);
  if (cached) return cached;
  const dense = chromaFilterBank({ sr, nFft, nChroma, tuning });
  const nBins = (nFft >> 1) + 1;
  const starts: number[] = [];
  const ends: number[] = [];
  const chromaRuns = new Int32Array(nChroma + 1);
  const kept: number[] = [];
  const columnMax = new Float64Array(nBins);
  for (let f = 0; f < nBins; f++) {
    for (let c = 0; c < nChroma; c++) columnMax[f] = Math.max(columnMax[f], dense[c * nBins + f]);
  }
  for (let c = 0; c < nChroma; c++) {
    let f = 0;
    while (f < nBins) {
      while (f < nBins && !(dense[c * nBins + f] > NEGLIGIBLE_WEIGHT * columnMax[f])) f++;
      if (f === nBins) break;
      starts.push(f);
      while (f < nBins && dense[c * nBins + f] > NEGLIGIBLE_WEIGHT * columnMax[f]) kept.push(dense[c * nBins + f++]);
      ends.push(f);
    }
    chromaRuns[c + 1] = starts.length;
  }
  const runWeights = Float32Array.from(kept);
  const segments = [];
  for (let c = 0, w = 0; c < nChroma; c++) {
    for (let r = chromaRuns[c]; r < chromaRuns[c + 1]; r++) {
      const length = ends[r] - starts[r];
      segments.push({ output: c, start: starts[r], weights: runWeights.subarray(w, w + length) });
      w += length;
    }
  }
  const bank = {
    chromaRuns,
    runStart: Int32Array.from(starts),
    runEnd: Int32Array.from(ends),
    runWeights,
    packed: bandedMatrix(nChroma, segments),
  };
  if (sparseBanks.size >= MAX_CACHED_BANKS) sparseBanks.delete(sparseBanks.keys().next().value as string);
  sparseBanks.set(key, bank);
  return bank;
}

/**
 * librosa.feature.chroma_stft(S=power, sr, n_chroma, tuning, norm=np.inf): chroma filter bank
 * applied to a power spectrogram (frames × bins), each frame scaled so its largest chroma is 1.
 * Returns frames × nChroma. Float32 sums from the WebAssembly product kernel where it runs.
 */
export function chromaStft(power: TimeFrequency, options: ChromaStftOptions): TimeFrequency {
  const nChroma = options.nChroma ?? 12;
  const nBins = power.nBins;
  const nFft = 2 * (nBins - 1);
  const { chromaRuns, runStart, runEnd, runWeights, packed } = sparseChromaBank(options.sr, nFft, nChroma, options.tuning);

  const out = timeFrequency(power.nFrames, nChroma);
  if (bandedProductsKernel(packed, power.data, nBins, out.data)) {
    const chroma = out.data;
    for (let row = 0; row < chroma.length; row += nChroma) {
      let max = 0;
      for (let c = row; c < row + nChroma; c++) max = Math.max(max, Math.abs(chroma[c]));
      if (max >= FLOAT32_TINY) for (let c = row; c < row + nChroma; c++) chroma[c] /= max;
    }
    return out;
  }
  const frame = new Float64Array(nChroma);
  const data = power.data;
  const chroma = out.data;
  for (let t = 0; t < power.nFrames; t++) {
    const row = t * nBins;
    let w = 0;
    for (let c = 0; c < nChroma; c++) {
      // Four interleaved sums: the loop is bound by the latency of dependent additions, not by loads.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let r = chromaRuns[c]; r < chromaRuns[c + 1]; r++) {
        const end = row + runEnd[r];
        let i = row + runStart[r];
        for (; i + 3 < end; i += 4, w += 4) {
          a0 += runWeights[w] * data[i];
          a1 += runWeights[w + 1] * data[i + 1];
          a2 += runWeights[w + 2] * data[i + 2];
          a3 += runWeights[w + 3] * data[i + 3];
        }
        for (; i < end; i++) a0 += runWeights[w++] * data[i];
      }
      frame[c] = a0 + a1 + (a2 + a3);
    }
    let max = 0;
    for (let c = 0; c < nChroma; c++) max = Math.max(max, Math.abs(frame[c]));
    const scale = max < FLOAT32_TINY ? 1 : 1 / max;
    for (let c = 0; c < nChroma; c++) chroma[t * nChroma + c] = frame[c] * scale;
  }
  return out;
}
