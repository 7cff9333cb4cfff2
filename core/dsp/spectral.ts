import { fftFrequencies, powerToDb } from './mel.js';
import { timeFrequency, type TimeFrequency } from './types.js';

/** Smallest normal float32: numpy's `tiny` for float32 input, below which util.normalize leaves a frame alone. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * librosa.feature.rms(S=S, frame_length): RMS energy per frame from a magnitude spectrogram, with the
 * DC and Nyquist bins counted half (they appear once in the full two-sided spectrum).
 */
export function rmsFromMagnitude(S: TimeFrequency, frameLength = 2 * (S.nBins - 1)): Float32Array {
  if (S.nBins !== (frameLength >> 1) + 1) {
    throw new Error(`rms: spectrogram has ${S.nBins} bins, frameLength ${frameLength} needs ${(frameLength >> 1) + 1}`);
  }
  const { data, nFrames, nBins } = S;
  const out = new Float32Array(nFrames);
  const evenFrame = frameLength % 2 === 0;
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    // Interleaved partial sums: the loop is bound by the latency of dependent additions.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let f = row;
    for (const end = row + nBins; f + 3 < end; f += 4) {
      s0 += data[f] * data[f];
      s1 += data[f + 1] * data[f + 1];
      s2 += data[f + 2] * data[f + 2];
      s3 += data[f + 3] * data[f + 3];
    }
    for (; f < row + nBins; f++) s0 += data[f] * data[f];
    let sum = s0 + s1 + (s2 + s3);
    sum -= 0.5 * data[row] * data[row];
    if (evenFrame) sum -= 0.5 * data[row + nBins - 1] * data[row + nBins - 1];
    out[t] = Math.sqrt((2 * sum) / (frameLength * frameLength));
  }
  return out;
}

export interface ZeroCrossingOptions {
  frameLength?: number;
  hopLength?: number;
  center?: boolean;
  /** Samples with |y| <= threshold count as zero (librosa.zero_crossings' threshold). */
  threshold?: number;
}

/**
 * librosa.feature.zero_crossing_rate(y, frame_length, hop_length, center): the fraction of sign
 * changes per frame, framing an edge-padded signal when centred. Signs follow
 * librosa.zero_crossings(threshold=1e-10, zero_pos=True, pad=False): near-zero samples are zero and
 * zero counts as positive, and the first sample of each frame never counts as a crossing.
 */
export function zeroCrossingRate(y: Float32Array, options: ZeroCrossingOptions = {}): Float32Array {
  const frameLength = options.frameLength ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const center = options.center ?? true;
  const threshold = options.threshold ?? 1e-10;
  if (y.length === 0) throw new Error('zeroCrossingRate: empty signal');
  const pad = center ? frameLength >> 1 : 0;
  const paddedLength = y.length + 2 * pad;
  if (paddedLength < frameLength) throw new Error('zeroCrossingRate: signal shorter than one frame');
  const nFrames = 1 + Math.floor((paddedLength - frameLength) / hopLength);

  // crossings[i]: sign changes between consecutive samples of the padded signal up to sample i,
  // where edge padding repeats the first and last samples.
  // The padding repeats a constant, so it holds no crossings: only the signal itself is scanned.
  const crossings = new Int32Array(paddedLength);
  // Signs as 0/1 and crossings as their XOR: branch-free, since sign changes in real audio are too
  // irregular for a branch predictor (the branchy loop was 2-3x slower on the golden clips).
  let count = 0;
  let previousNegative = +(y[0] < -threshold);
  for (let j = 1; j < y.length; j++) {
    const negative = +(y[j] < -threshold);
    count += negative ^ previousNegative;
    previousNegative = negative;
    crossings[pad + j] = count;
  }
  crossings.fill(count, pad + y.length);
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    // The first sample of a frame has no predecessor inside the frame (pad=False).
    const first = t * hopLength;
    out[t] = (crossings[first + frameLength - 1] - crossings[first]) / frameLength;
  }
  return out;
}

export interface SpectralOptions {
  sr: number;
}

/** librosa.feature.spectral_centroid(S=S, sr): the magnitude-weighted mean frequency per frame. */
export function spectralCentroid(S: TimeFrequency, options: SpectralOptions): Float32Array {
  const { data, nFrames, nBins } = S;
  const freqs = fftFrequencies(options.sr, 2 * (nBins - 1));
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    // Even and odd bins in separate sums, so the additions do not wait on each other.
    let totalEven = 0;
    let totalOdd = 0;
    let weightedEven = 0;
    let weightedOdd = 0;
    let f = 0;
    for (; f + 1 < nBins; f += 2) {
      const even = data[row + f];
      const odd = data[row + f + 1];
      totalEven += even;
      totalOdd += odd;
      weightedEven += even * freqs[f];
      weightedOdd += odd * freqs[f + 1];
    }
    if (f < nBins) {
      totalEven += data[row + f];
      weightedEven += data[row + f] * freqs[f];
    }
    const total = totalEven + totalOdd;
    const weighted = weightedEven + weightedOdd;
    out[t] = total < FLOAT32_TINY ? weighted : weighted / total;
  }
  return out;
}

export interface BandwidthOptions extends SpectralOptions {
  p?: number;
  /** The centroid per frame if already computed (spectralCentroid of the same S). */
  centroid?: Float32Array;
}

/**
 * librosa.feature.spectral_bandwidth(S=S, sr, p, norm=True): the p-th root of the
 * magnitude-weighted p-th moment of |frequency − centroid|, weights normalised to sum 1 per frame.
 */
export function spectralBandwidth(S: TimeFrequency, options: BandwidthOptions): Float32Array {
  const { data, nFrames, nBins } = S;
  const p = options.p ?? 2;
  const centroid = options.centroid ?? spectralCentroid(S, options);
  const freqs = fftFrequencies(options.sr, 2 * (nBins - 1));
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    const c = centroid[t];
    let total = 0;
    let moment = 0;
    if (p === 2) {
      // Even and odd bins in separate sums, so the additions do not wait on each other.
      let totalOdd = 0;
      let momentOdd = 0;
      let f = 0;
      for (; f + 1 < nBins; f += 2) {
        const dEven = freqs[f] - c;
        const dOdd = freqs[f + 1] - c;
        total += data[row + f];
        totalOdd += data[row + f + 1];
        moment += data[row + f] * dEven * dEven;
        momentOdd += data[row + f + 1] * dOdd * dOdd;
      }
      if (f < nBins) {
        const d = freqs[f] - c;
        total += data[row + f];
        moment += data[row + f] * d * d;
      }
      total += totalOdd;
      moment += momentOdd;
    } else {
      for (let f = 0; f < nBins; f++) {
        total += data[row + f];
        moment += data[row + f] * Math.pow(Math.abs(freqs[f] - c), p);
      }
    }
    out[t] = Math.pow(total < FLOAT32_TINY ? moment : moment / total, 1 / p);
  }
  return out;
}

export interface RolloffOptions extends SpectralOptions {
  rollPercent?: number;
}

/**
 * librosa.feature.spectral_rolloff(S=S, sr, roll_percent): the lowest bin frequency at which the
 * cumulative magnitude reaches roll_percent of the frame total. The running sum is rounded to
 * float32 at each step, as numpy's cumsum over librosa's float32 spectrogram is.
 */
export function spectralRolloff(S: TimeFrequency, options: RolloffOptions): Float32Array {
  const { data, nFrames, nBins } = S;
  const rollPercent = options.rollPercent ?? 0.85;
  if (!(rollPercent > 0 && rollPercent < 1)) throw new Error('spectralRolloff: rollPercent must be in (0, 1)');
  const freqs = fftFrequencies(options.sr, 2 * (nBins - 1));
  const cumulative = new Float32Array(nBins);
  const out = new Float32Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    let running = 0;
    for (let f = 0; f < nBins; f++) {
      running = Math.fround(running + data[row + f]);
      cumulative[f] = running;
    }
    const threshold = Math.fround(rollPercent * running);
    // The running sum never decreases (magnitudes are non-negative), so the first bin reaching the
    // threshold can be found by bisection; the last bin is the answer if none does.
    let low = 0;
    let high = nBins - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] < threshold) low = middle + 1;
      else high = middle;
    }
    out[t] = freqs[low];
  }
  return out;
}

export interface ContrastOptions extends SpectralOptions {
  nBands?: number;
  fMin?: number;
  quantile?: number;
  linear?: boolean;
}

/** One octave band of spectral_contrast: the `take` extremes of bins first..first+count−1 are averaged. */
export interface ContrastBand {
  first: number;
  count: number;
  take: number;
}

/** The octave bands librosa.feature.spectral_contrast sorts, for a spectrogram of nBins bins. */
export function contrastBands(nBins: number, options: ContrastOptions): ContrastBand[] {
  const nBands = options.nBands ?? 6;
  const fMin = options.fMin ?? 200;
  const quantile = options.quantile ?? 0.02;
  const freqs = fftFrequencies(options.sr, 2 * (nBins - 1));
  const edges = [0];
  for (let k = 0; k <= nBands; k++) edges.push(fMin * 2 ** k);
  for (let k = 0; k < edges.length - 1; k++) {
    if (edges[k] >= 0.5 * options.sr) throw new Error('spectralContrast: bands reach past Nyquist; lower fMin or nBands');
  }
  const bands: ContrastBand[] = [];
  for (let k = 0; k <= nBands; k++) {
    let first = 0;
    while (first < nBins && freqs[first] < edges[k]) first++;
    let last = first;
    while (last + 1 < nBins && freqs[last + 1] <= edges[k + 1]) last++;
    if (first >= nBins || freqs[first] > edges[k + 1]) throw new Error('spectralContrast: empty band');
    // librosa widens every band but the first by the bin below it, and the last to Nyquist; every
    // band but the last then drops its top bin from the sort (but not from the quantile count).
    if (k > 0) first--;
    if (k === nBands) last = nBins - 1;
    const width = last - first + 1;
    const take = Math.max(1, roundHalfEven(quantile * width));
    bands.push({ first, count: k < nBands ? width - 1 : width, take });
  }
  return bands;
}

/**
 * librosa.feature.spectral_contrast(S=S, sr, n_bands, fmin, quantile, linear): per octave band, the
 * mean of the top `quantile` of magnitudes minus the mean of the bottom `quantile`, in dB
 * (power_to_db of peaks minus power_to_db of valleys, each floored 80 dB below its own maximum)
 * unless linear. Returns frames × (nBands + 1).
 */
export function spectralContrast(S: TimeFrequency, options: ContrastOptions): TimeFrequency {
  const { data, nFrames, nBins } = S;
  const bands = contrastBands(nBins, options);
  const nOut = bands.length;
  const peak = new Float32Array(nFrames * nOut);
  const valley = new Float32Array(nFrames * nOut);
  const maxTake = Math.max(...bands.map((b) => b.take));
  const smallest = new Float64Array(maxTake);
  const largest = new Float64Array(maxTake);
  for (let t = 0; t < nFrames; t++) {
    const row = t * nBins;
    for (let k = 0; k < nOut; k++) {
      const { first, count, take } = bands[k];
      extremes(data, row + first, count, take, smallest, largest);
      let low = 0;
      let high = 0;
      for (let i = 0; i < take; i++) {
        low += smallest[i];
        high += largest[i];
      }
      valley[t * nOut + k] = low / take;
      peak[t * nOut + k] = high / take;
    }
  }
  return contrastFromExtremes(peak, valley, nFrames, options.linear ?? false);
}

/** spectral_contrast from each band's peak and valley means (frames × bands): peak − valley, in dB unless linear. */
export function contrastFromExtremes(peak: Float32Array, valley: Float32Array, nFrames: number, linear: boolean): TimeFrequency {
  const out = timeFrequency(nFrames, peak.length / nFrames);
  if (linear) {
    for (let i = 0; i < out.data.length; i++) out.data[i] = peak[i] - valley[i];
  } else {
    const peakDb = powerToDb(peak);
    const valleyDb = powerToDb(valley);
    for (let i = 0; i < out.data.length; i++) out.data[i] = peakDb[i] - valleyDb[i];
  }
  return out;
}

/**
 * Fills smallest[0..take) and largest[0..take) with the `take` smallest and largest of
 * values[offset..offset+count), each kept sorted by insertion (take is a handful of values).
 * Magnitudes mostly fall with frequency, so the smallest are sought from the top of the band down
 * and the largest from the bottom up: most values then fail the first comparison.
 */
function extremes(
  values: Float32Array,
  offset: number,
  count: number,
  take: number,
  smallest: Float64Array,
  largest: Float64Array,
): void {
  const last = offset + count - 1;
  for (let i = 0; i < take; i++) insertAscending(smallest, i, values[last - i]);
  // The largest kept value so far: anything at or above it cannot enter.
  let ceiling = smallest[take - 1];
  for (let i = last - take; i >= offset; i--) {
    const v = values[i];
    if (v < ceiling) {
      insertAscending(smallest, take - 1, v);
      ceiling = smallest[take - 1];
    }
  }
  for (let i = 0; i < take; i++) insertDescending(largest, i, values[offset + i]);
  let floor = largest[take - 1];
  for (let i = offset + take; i <= last; i++) {
    const v = values[i];
    if (v > floor) {
      insertDescending(largest, take - 1, v);
      floor = largest[take - 1];
    }
  }
}

/** Inserts v into sorted[0..length) (ascending), growing it to length+1 (dropping the last if full). */
function insertAscending(sorted: Float64Array, length: number, v: number): void {
  let i = length;
  while (i > 0 && sorted[i - 1] > v) {
    sorted[i] = sorted[i - 1];
    i--;
  }
  sorted[i] = v;
}

function insertDescending(sorted: Float64Array, length: number, v: number): void {
  let i = length;
  while (i > 0 && sorted[i - 1] < v) {
    sorted[i] = sorted[i - 1];
    i--;
  }
  sorted[i] = v;
}

/** np.rint: round half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
