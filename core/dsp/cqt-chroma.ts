import { C1_HZ } from './cqt.js';
import { timeFrequency, type TimeFrequency } from './types.js';

/** Below this a column counts as empty and is left unnormalised (np.finfo(np.float32).tiny). */
const FLOAT32_TINY = 1.1754943508222875e-38;

/** A per-frame norm as librosa.util.normalize takes it: 1, 2, or Infinity (np.inf, the max). */
export type FrameNorm = number;

/**
 * librosa.util.normalize(S, norm, axis=-2) on a frames × bins matrix, in place: every frame is
 * divided by its L1, L2 or max norm; frames whose norm is below float32's tiny stay as they are.
 */
function normalizeFrames(S: TimeFrequency, norm: FrameNorm): void {
  if (norm !== 1 && norm !== 2 && norm !== Infinity) throw new RangeError(`unsupported norm ${norm}: use 1, 2 or Infinity`);
  const { data, nFrames, nBins } = S;
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    let length = 0;
    for (let c = 0; c < nBins; c++) {
      const v = Math.abs(data[row + c]);
      if (norm === 1) length += v;
      else if (norm === 2) length += v * v;
      else if (v > length) length = v;
    }
    if (norm === 2) length = Math.sqrt(length);
    if (length < FLOAT32_TINY) continue;
    for (let c = 0; c < nBins; c++) data[row + c] /= length;
  }
}

export interface CqToChromaOptions {
  binsPerOctave?: number;
  nChroma?: number;
  /** Frequency of the CQT's first bin, which fixes the pitch class it belongs to; default C1. */
  fMin?: number;
}

/**
 * librosa.filters.cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin, base_c=True) as a lookup:
 * the chroma index each CQT bin adds into (every bin has exactly one, with weight 1).
 */
export function cqToChroma(nInput: number, options: CqToChromaOptions = {}): Int32Array {
  const binsPerOctave = options.binsPerOctave ?? 12;
  const nChroma = options.nChroma ?? 12;
  const merge = binsPerOctave / nChroma;
  if (!Number.isInteger(merge)) throw new RangeError('binsPerOctave must be a multiple of nChroma');
  // Centre each run of `merge` bins on its pitch, then rotate so chroma 0 is C.
  const centreShift = Math.floor(merge / 2);
  const midi = 12 * (Math.log2(options.fMin ?? C1_HZ) - Math.log2(440)) + 69;
  const roll = Math.round((((midi % 12) + 12) % 12) * (nChroma / 12));
  const map = new Int32Array(nInput);
  for (let k = 0; k < nInput; k++) {
    const column = ((k % binsPerOctave) + centreShift) % binsPerOctave;
    map[k] = (Math.floor(column / merge) + roll) % nChroma;
  }
  return map;
}

export interface ChromaCqtOptions extends CqToChromaOptions {
  /** Per-frame normalisation; librosa's default is the max norm. `null` leaves frames unnormalised. */
  norm?: FrameNorm | null;
  threshold?: number;
}

/**
 * librosa.feature.chroma_cqt(C=C, n_chroma, bins_per_octave, fmin, norm, threshold), frames ×
 * nChroma. C is a CQT magnitude (frames × bins). bins_per_octave describes how C is folded, not
 * how it was computed; its default stays librosa's 36 even for a 12-per-octave C, as the FMA
 * recipe (and so the golden values) leaves it.
 */
export function chromaCqt(C: TimeFrequency, options: ChromaCqtOptions = {}): TimeFrequency {
  const nChroma = options.nChroma ?? 12;
  const binsPerOctave = options.binsPerOctave ?? 36;
  const threshold = options.threshold ?? 0;
  const norm = options.norm === undefined ? Infinity : options.norm;
  const map = cqToChroma(C.nBins, { binsPerOctave, nChroma, fMin: options.fMin });
  const chroma = timeFrequency(C.nFrames, nChroma);
  const sums = new Float64Array(nChroma);
  for (let t = 0; t < C.nFrames; t++) {
    sums.fill(0);
    const row = t * C.nBins;
    for (let k = 0; k < C.nBins; k++) sums[map[k]] += C.data[row + k];
    for (let c = 0; c < nChroma; c++) chroma.data[t * nChroma + c] = sums[c] < threshold ? 0 : sums[c];
  }
  if (norm !== null) normalizeFrames(chroma, norm);
  return chroma;
}

export interface ChromaCensOptions extends CqToChromaOptions {
  /** Length of the Hann smoothing window in frames (librosa's win_len_smooth); 0 disables smoothing. */
  winLenSmooth?: number;
  norm?: FrameNorm;
}

const CENS_STEPS = [0.4, 0.2, 0.1, 0.05];
const CENS_WEIGHT = 0.25;

/**
 * librosa.feature.chroma_cens(C=C, n_chroma, bins_per_octave, fmin, win_len_smooth, norm):
 * L1-normalised chroma quantised at 0.4/0.2/0.1/0.05, smoothed over time with a normalised Hann
 * window of win_len_smooth + 2 points (zero-padded edges), then L2-normalised per frame.
 */
export function chromaCens(C: TimeFrequency, options: ChromaCensOptions = {}): TimeFrequency {
  const winLenSmooth = options.winLenSmooth ?? 41;
  const chroma = chromaCqt(C, { ...options, norm: 1, threshold: 0 });
  const { nFrames, nBins: nChroma } = chroma;
  const quantised = chroma.data;
  const [step1, step2, step3, step4] = CENS_STEPS;
  for (let i = 0; i < quantised.length; i++) {
    const v = quantised[i];
    quantised[i] = CENS_WEIGHT * (+(v > step1) + +(v > step2) + +(v > step3) + +(v > step4));
  }
  let cens = chroma;
  if (winLenSmooth > 0) {
    // filters.get_window('hann', win_len_smooth + 2, fftbins=False): the symmetric Hann window.
    const n = winLenSmooth + 2;
    const window = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    for (let i = 0; i < n; i++) window[i] /= sum;
    // scipy.ndimage.convolve(mode='constant'): the window is symmetric, so the flip changes nothing
    // but the centre, which convolve puts at n/2 − 1 for even n.
    const centre = (n - 1) >> 1;
    cens = timeFrequency(nFrames, nChroma);
    for (let t = 0; t < nFrames; t++) {
      const from = Math.max(0, t - centre);
      const to = Math.min(nFrames - 1, t + (n - 1 - centre));
      for (let c = 0; c < nChroma; c++) {
        let acc = 0;
        for (let s = from; s <= to; s++) acc += window[s - t + centre] * quantised[s * nChroma + c];
        cens.data[t * nChroma + c] = acc;
      }
    }
  }
  normalizeFrames(cens, options.norm ?? 2);
  return cens;
}

/** librosa.feature.tonnetz's tonal-centroid projection: 6 × nChroma, rows fifths (x, y), minor thirds, major thirds. */
function tonalCentroidMatrix(nChroma: number): Float64Array[] {
  const scale = [7 / 6, 7 / 6, 3 / 2, 3 / 2, 2 / 3, 2 / 3];
  const radius = [1, 1, 1, 1, 0.5, 0.5];
  return scale.map((s, p) => {
    const row = new Float64Array(nChroma);
    for (let c = 0; c < nChroma; c++) {
      // Even rows are the sine components: cos(π(v - 0.5)).
      const v = s * ((12 * c) / nChroma) - (p % 2 === 0 ? 0.5 : 0);
      row[c] = radius[p] * Math.cos(Math.PI * v);
    }
    return row;
  });
}

/** librosa.feature.tonnetz(chroma=chroma): frames × 6 tonal-centroid features of the L1-normalised chroma. */
export function tonnetz(chroma: TimeFrequency): TimeFrequency {
  const { nFrames, nBins: nChroma } = chroma;
  const phi = tonalCentroidMatrix(nChroma);
  const result = timeFrequency(nFrames, 6);
  for (let t = 0; t < nFrames; t++) {
    const row = t * nChroma;
    let l1 = 0;
    for (let c = 0; c < nChroma; c++) l1 += Math.abs(chroma.data[row + c]);
    const scale = l1 < FLOAT32_TINY ? 1 : 1 / l1;
    for (let p = 0; p < 6; p++) {
      let acc = 0;
      for (let c = 0; c < nChroma; c++) acc += phi[p][c] * chroma.data[row + c];
      result.data[t * 6 + p] = acc * scale;
    }
  }
  return result;
}
