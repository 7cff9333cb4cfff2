import { timeFrequency, type TimeFrequency } from './types.js';
import { bandedMatrix, bandedProductsKernel, type BandedMatrix } from './wasm/kernels.js';

/**
 * The first nOut rows of the orthonormal DCT-II matrix of size nIn (scipy.fftpack.dct(type=2,
 * norm='ortho')): row k is scale_k · cos(π·k·(2n+1) / (2·nIn)), scale_0 = √(1/nIn), else √(2/nIn).
 */
export function dctOrthoMatrix(nOut: number, nIn: number): Float64Array {
  if (nOut > nIn) throw new Error(`dct: cannot take ${nOut} coefficients of ${nIn} inputs`);
  const basis = new Float64Array(nOut * nIn);
  for (let k = 0; k < nOut; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / nIn);
    for (let n = 0; n < nIn; n++) basis[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
  }
  return basis;
}

const dctBases = new Map<string, { basis: Float64Array; packed: BandedMatrix }>();

/** The DCT basis, and the same as one dense segment per coefficient for the WebAssembly product kernel. */
function dctBasis(nMfcc: number, nMels: number): { basis: Float64Array; packed: BandedMatrix } {
  const key = `${nMfcc}x${nMels}`;
  let entry = dctBases.get(key);
  if (!entry) {
    const basis = dctOrthoMatrix(nMfcc, nMels);
    const segments = Array.from({ length: nMfcc }, (_, k) => ({ output: k, start: 0, weights: basis.subarray(k * nMels, (k + 1) * nMels) }));
    entry = { basis, packed: bandedMatrix(nMfcc, segments) };
    dctBases.set(key, entry);
  }
  return entry;
}

export interface MfccOptions {
  nMfcc?: number;
}

/**
 * librosa.feature.mfcc(S=melDb, n_mfcc, dct_type=2, norm='ortho', lifter=0): the DCT of each frame
 * of a log-power mel spectrogram (frames × mels), giving frames × nMfcc. Float32 sums from the
 * WebAssembly product kernel where it runs.
 */
export function mfccFromMelDb(melDb: TimeFrequency, options: MfccOptions = {}): TimeFrequency {
  const nMfcc = options.nMfcc ?? 20;
  const nMels = melDb.nBins;
  const { basis, packed } = dctBasis(nMfcc, nMels);
  const out = timeFrequency(melDb.nFrames, nMfcc);
  if (bandedProductsKernel(packed, melDb.data, nMels, out.data)) return out;
  const input = melDb.data;
  const output = out.data;
  for (let t = 0; t < melDb.nFrames; t++) {
    const row = t * nMels;
    for (let k = 0; k < nMfcc; k++) {
      const base = k * nMels;
      // Four interleaved sums: the loop is bound by the latency of dependent additions, not by loads.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let n = 0;
      for (; n + 3 < nMels; n += 4) {
        a0 += basis[base + n] * input[row + n];
        a1 += basis[base + n + 1] * input[row + n + 1];
        a2 += basis[base + n + 2] * input[row + n + 2];
        a3 += basis[base + n + 3] * input[row + n + 3];
      }
      for (; n < nMels; n++) a0 += basis[base + n] * input[row + n];
      output[t * nMfcc + k] = a0 + a1 + (a2 + a3);
    }
  }
  return out;
}
