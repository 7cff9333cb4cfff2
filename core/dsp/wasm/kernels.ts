/**
 * The JavaScript side of the WebAssembly kernels (fft-kernels.ts, product-kernel.ts): one memory
 * per thread, laid out afresh by each call, shared by the product kernel and one compiled FFT
 * module per transform size.
 */
import { BATCH_FRAMES, fftKernelModuleBytes, radix4Lengths } from './fft-kernels.js';
import { productKernelModuleBytes } from './product-kernel.js';
import { contrastKernelModuleBytes } from './contrast-kernel.js';
import { HALF_BAND_ODD_TAPS, resampleKernelModuleBytes } from './resample-kernel.js';
import type { ContrastBand } from '../spectral.js';

interface KernelExports {
  frames(signal: number, hopBytes: number, window: number, out: number): void;
  fft(batch: number, scratch: number, twiddles: number): number;
  magnitudes(z: number, splitTwiddles: number, magnitude: number, power: number, lanes: number): void;
  frameStatistics(lanes: number, freqs: number, rollPercent: number, out: number): void;
  cqtBins(
    z: number, bins: number, binsEnd: number, spectrum: number, filters: number, filtersEnd: number,
    coefficients: number, out: number, rowBytes: number,
  ): void;
}

const WASM_PAGE_BYTES = 65536;

interface ProductExports {
  products(
    matrix: number, rowBytes: number, nRows: number, records: number, recordsEnd: number, weights: number,
    out: number, outRowBytes: number,
  ): void;
}

let memory: WebAssembly.Memory | null = null;

/** The exports of a kernel module over the shared memory, or null where the runtime lacks WebAssembly SIMD. */
function instantiate<T>(bytes: () => Uint8Array<ArrayBuffer>): T | null {
  try {
    memory ??= new WebAssembly.Memory({ initial: 16 });
    return new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports as unknown as T;
  } catch {
    return null;
  }
}

/** Per transform size. */
const instances = new Map<number, KernelExports | null>();

function kernelsFor(n: number): KernelExports | null {
  let kernels = instances.get(n);
  if (kernels === undefined) {
    kernels = instantiate<KernelExports>(() => fftKernelModuleBytes(n));
    instances.set(n, kernels);
  }
  return kernels;
}

let productKernel: ProductExports | null | undefined;

interface ContrastExports {
  contrast(lanes: number, out: number): void;
}

/** Per band layout (one per sample rate and contrast setting, in practice one). */
const contrastKernels = new Map<string, ContrastExports | null>();

function contrastKernelFor(bands: readonly ContrastBand[]): ContrastExports | null {
  const key = bands.map(({ first, count, take }) => `${first}:${count}:${take}`).join(',');
  let kernel = contrastKernels.get(key);
  if (kernel === undefined) {
    kernel = instantiate<ContrastExports>(() => contrastKernelModuleBytes(bands));
    contrastKernels.set(key, kernel);
  }
  return kernel;
}

/** Whether the WebAssembly kernels run here (they need WebAssembly SIMD). */
export function fftKernelsAvailable(): boolean {
  return kernelsFor(4) !== null;
}

/** Byte regions of the shared memory for one call; everything 16-byte aligned. */
class Layout {
  private end = 0;

  take(bytes: number): number {
    const at = this.end;
    this.end += Math.ceil(bytes / 16) * 16;
    return at;
  }

  /** Grows the memory to hold everything taken; views of it must be made after this. */
  commit(): WebAssembly.Memory {
    const mem = memory!;
    const missing = this.end - mem.buffer.byteLength;
    if (missing > 0) mem.grow(Math.ceil(missing / WASM_PAGE_BYTES));
    return mem;
  }
}

/** The twiddles of fft(): per radix-4 stage of length L, for p < L/4, w^p, w^2p, w^3p with w = e^{−2πi/L}. */
function stageTwiddles(n: number): Float32Array {
  const values: number[] = [];
  for (const length of radix4Lengths(n)) {
    for (let p = 0; p < length / 4; p++) {
      for (let k = 1; k <= 3; k++) {
        const angle = (-2 * Math.PI * p * k) / length;
        values.push(Math.cos(angle), Math.sin(angle));
      }
    }
  }
  return Float32Array.from(values);
}

/** e^{−πik/n} for k < n: the split of an n-point packed transform into a 2n-point real one. */
function splitTwiddles(n: number): Float32Array {
  const out = new Float32Array(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = Math.cos((Math.PI * k) / n);
    out[2 * k + 1] = -Math.sin((Math.PI * k) / n);
  }
  return out;
}

const twiddleCache = new Map<number, { stages: Float32Array; split: Float32Array }>();

function twiddlesFor(n: number): { stages: Float32Array; split: Float32Array } {
  let twiddles = twiddleCache.get(n);
  if (!twiddles) {
    twiddles = { stages: stageTwiddles(n), split: splitTwiddles(n) };
    twiddleCache.set(n, twiddles);
  }
  return twiddles;
}

/** Length of the padded copy of a signal that whole batches of four frames may read. */
function paddedLength(nFrames: number, hopLength: number, nFft: number): number {
  const batches = Math.ceil(nFrames / BATCH_FRAMES);
  return (batches * BATCH_FRAMES - 1) * hopLength + nFft;
}

export interface SpectrumBatches {
  signal: Float32Array;
  /** Zeros before the signal (zeros also follow it). */
  frontZeros: number;
  nFrames: number;
  hopLength: number;
  /** nFft values. */
  window: Float32Array;
  /** Also compute each frame's spectral statistics (frameStatistics in fft-kernels.ts). */
  statistics?: { sr: number; rollPercent: number };
  /** Also compute each frame's spectral-contrast extremes in these bands (contrast-kernel.ts). */
  contrastBands?: readonly ContrastBand[];
}

/** One batch's results: views of the kernels' memory, valid during the callback. */
export interface SpectrumRows {
  /** |X_k|, k = 0..nFft/2, of four frames, one row each (rows past the batch's count are scratch). */
  magnitude: Float32Array;
  /** |X_k|², the same way. */
  power: Float32Array;
  /** When asked for: centroid, bandwidth, rolloff, RMS and largest magnitude, four frames each (20 values). */
  statistics: Float32Array;
  /** When asked for: per band, the valley means of four frames, then their peak means (8 values a band). */
  contrast: Float32Array;
}

/**
 * Calls `onBatch(t, count, rows)` for frames t..t+count−1 (count ≤ 4) of the short-time spectra of
 * the padded signal: frame t is padded[t·hop, t·hop + nFft) times the window. onBatch must not
 * call other kernels: each call lays the shared memory out afresh. Returns false, calling nothing,
 * where the kernels cannot run.
 */
export function forEachSpectrumBatch(
  batches: SpectrumBatches,
  onBatch: (t: number, count: number, rows: SpectrumRows) => void,
): boolean {
  const { signal, frontZeros, nFrames, hopLength, window } = batches;
  const nFft = window.length;
  const n = nFft >> 1;
  const kernels = kernelsFor(n);
  const contrastBands = batches.contrastBands ?? [];
  const contrastKernel = contrastBands.length > 0 ? contrastKernelFor(contrastBands) : null;
  if (!kernels || (contrastBands.length > 0 && !contrastKernel)) return false;
  const nBins = n + 1;
  const { stages, split } = twiddlesFor(n);

  const layout = new Layout();
  const stagesAt = layout.take(4 * stages.length);
  const splitAt = layout.take(4 * split.length);
  const windowAt = layout.take(4 * nFft);
  const freqsAt = layout.take(4 * nBins);
  const contrastAt = layout.take(32 * contrastBands.length);
  const batchAt = layout.take(32 * n);
  const scratchAt = layout.take(32 * n);
  const lanesAt = layout.take(16 * nBins);
  const statisticsAt = layout.take(80);
  const rowsBytes = 4 * BATCH_FRAMES * nBins;
  const magnitudeAt = layout.take(rowsBytes);
  const powerAt = layout.take(rowsBytes);
  const padded = paddedLength(nFrames, hopLength, nFft);
  const signalAt = layout.take(4 * padded);
  const heap = new Float32Array(layout.commit().buffer);

  heap.set(stages, stagesAt / 4);
  heap.set(split, splitAt / 4);
  heap.set(window, windowAt / 4);
  if (batches.statistics) {
    // librosa.fft_frequencies, rounded to float32.
    for (let k = 0; k < nBins; k++) heap[freqsAt / 4 + k] = (k * batches.statistics.sr) / nFft;
  }
  const copy = heap.subarray(signalAt / 4, signalAt / 4 + padded);
  copy.fill(0, 0, frontZeros);
  copy.set(signal.subarray(0, Math.max(0, Math.min(signal.length, padded - frontZeros))), frontZeros);
  copy.fill(0, frontZeros + signal.length);

  const rows: SpectrumRows = {
    magnitude: heap.subarray(magnitudeAt / 4, magnitudeAt / 4 + BATCH_FRAMES * nBins),
    power: heap.subarray(powerAt / 4, powerAt / 4 + BATCH_FRAMES * nBins),
    statistics: heap.subarray(statisticsAt / 4, statisticsAt / 4 + 20),
    contrast: heap.subarray(contrastAt / 4, contrastAt / 4 + 8 * contrastBands.length),
  };
  for (let t = 0; t < nFrames; t += BATCH_FRAMES) {
    kernels.frames(signalAt + 4 * t * hopLength, 4 * hopLength, windowAt, batchAt);
    const z = kernels.fft(batchAt, scratchAt, stagesAt);
    kernels.magnitudes(z, splitAt, magnitudeAt, powerAt, lanesAt);
    if (batches.statistics) kernels.frameStatistics(lanesAt, freqsAt, batches.statistics.rollPercent, statisticsAt);
    contrastKernel?.contrast(lanesAt, contrastAt);
    onBatch(t, Math.min(BATCH_FRAMES, nFrames - t), rows);
  }
  return true;
}

/** Per-frame spectral statistics of an STFT (see frameStatistics in fft-kernels.ts). */
export interface FrameStatistics {
  centroid: Float32Array;
  bandwidth: Float32Array;
  rolloff: Float32Array;
  rms: Float32Array;
  /** The frame's largest magnitude. */
  peak: Float32Array;
}

/** What stftKernel computes beside the spectrogram: one value per frame, or per frame and band. */
export interface StftKernelExtras extends FrameStatistics {
  sr: number;
  rollPercent: number;
  contrastBands: readonly ContrastBand[];
  /** frames × bands */
  contrastPeak: Float32Array;
  contrastValley: Float32Array;
}

/**
 * |STFT| and |STFT|² of `y` (librosa.stft with center=True, pad_mode='constant'), frames ×
 * (nFft/2 + 1), written into `magnitude` and `power` (each nFrames·(nFft/2+1) floats), and, when
 * `extras` is given, each frame's centroid, bandwidth, rolloff, RMS and contrast extremes into its
 * arrays. `window` has nFft values. Returns false, writing nothing, where the kernels cannot run.
 */
export function stftKernel(
  y: Float32Array,
  hopLength: number,
  window: Float32Array,
  magnitude: Float32Array,
  power: Float32Array,
  extras?: StftKernelExtras,
): boolean {
  const nFft = window.length;
  const nBins = (nFft >> 1) + 1;
  const nFrames = magnitude.length / nBins;
  const nBands = extras?.contrastBands.length ?? 0;
  const batches = {
    signal: y,
    frontZeros: nFft >> 1,
    nFrames,
    hopLength,
    window,
    statistics: extras,
    contrastBands: extras?.contrastBands,
  };
  return forEachSpectrumBatch(batches, (t, count, rows) => {
    const values = count * nBins;
    magnitude.set(values === rows.magnitude.length ? rows.magnitude : rows.magnitude.subarray(0, values), t * nBins);
    power.set(values === rows.power.length ? rows.power : rows.power.subarray(0, values), t * nBins);
    if (!extras) return;
    const { statistics, contrast } = rows;
    for (let frame = 0; frame < count; frame++) {
      extras.centroid[t + frame] = statistics[frame];
      extras.bandwidth[t + frame] = statistics[4 + frame];
      extras.rolloff[t + frame] = statistics[8 + frame];
      extras.rms[t + frame] = statistics[12 + frame];
      extras.peak[t + frame] = statistics[16 + frame];
      for (let b = 0; b < nBands; b++) {
        extras.contrastValley[(t + frame) * nBands + b] = contrast[8 * b + frame];
        extras.contrastPeak[(t + frame) * nBands + b] = contrast[8 * b + 4 + frame];
      }
    }
  });
}

/**
 * One octave's filters for cqtBins, relative to where they are placed: see fft-kernels.ts.
 * Build once per basis with cqtKernelTables.
 */
export interface CqtKernelTables {
  /** Complex size of the octave's transform (its frames have 2n samples). */
  n: number;
  bins: ArrayBuffer;
  filters: Int32Array;
  coefficients: Float32Array;
}

export interface SparseFilterBasis {
  nFft: number;
  /** The DFT bins the filters use: lowBin..highBin. */
  lowBin: number;
  highBin: number;
  /** Filter k: coefficients re/im[bandStart[k] + i] for DFT bin lowBin + bandFirstBin[k] + i, i < bandLength[k]. */
  bandStart: Int32Array;
  bandFirstBin: Int32Array;
  bandLength: Int32Array;
  re: Float64Array;
  im: Float64Array;
}

/** Packs a sparse basis for cqtBins, scaling filter k by scale[k] and writing it to output column firstColumn + k. */
export function cqtKernelTables(basis: SparseFilterBasis, scale: Float64Array, firstColumn: number): CqtKernelTables {
  const n = basis.nFft >> 1;
  const nUsed = basis.highBin - basis.lowBin + 1;
  const bins = new ArrayBuffer(16 * nUsed);
  const binOffsets = new Int32Array(bins);
  const binTwiddles = new Float32Array(bins);
  for (let u = 0; u < nUsed; u++) {
    const k = basis.lowBin + u;
    binOffsets[4 * u] = 16 * (k % n);
    binOffsets[4 * u + 1] = 16 * ((n - (k % n)) % n);
    binTwiddles[4 * u + 2] = Math.cos((2 * Math.PI * k) / basis.nFft);
    binTwiddles[4 * u + 3] = -Math.sin((2 * Math.PI * k) / basis.nFft);
  }
  const nFilters = basis.bandStart.length;
  const filters = new Int32Array(4 * nFilters);
  const coefficients = new Float32Array(2 * basis.re.length);
  for (let k = 0; k < nFilters; k++) {
    const start = basis.bandStart[k];
    for (let i = 0; i < basis.bandLength[k]; i++) {
      coefficients[2 * (start + i)] = basis.re[start + i] * scale[k];
      coefficients[2 * (start + i) + 1] = basis.im[start + i] * scale[k];
    }
    filters[4 * k] = 32 * basis.bandFirstBin[k];
    filters[4 * k + 1] = 8 * start;
    filters[4 * k + 2] = 8 * (start + basis.bandLength[k]);
    filters[4 * k + 3] = 4 * (firstColumn + k);
  }
  return { n, bins, filters, coefficients };
}

export interface CqtOctaveJob {
  tables: CqtKernelTables;
  /** The octave's (possibly downsampled) signal and hop. */
  signal: Float32Array;
  hopLength: number;
}

/**
 * Fills `out` (nFrames × nColumns) with every octave's |basis · stft(signal, window='ones',
 * center=True, pad_mode='constant')| in the octave's columns. Returns false, writing nothing,
 * where the kernels cannot run.
 */
export function cqtResponseKernel(octaves: CqtOctaveJob[], out: Float32Array, nColumns: number): boolean {
  const nFrames = out.length / nColumns;
  const kernels = octaves.map(({ tables }) => kernelsFor(tables.n));
  if (kernels.some((k) => k === null)) return false;
  const batches = Math.ceil(nFrames / BATCH_FRAMES);

  const layout = new Layout();
  const outAt = layout.take(4 * batches * BATCH_FRAMES * nColumns);
  const regions = octaves.map(({ tables, hopLength }) => {
    const { n } = tables;
    const { stages } = twiddlesFor(n);
    return {
      stagesAt: layout.take(4 * stages.length),
      windowAt: layout.take(8 * n),
      batchAt: layout.take(32 * n),
      scratchAt: layout.take(32 * n),
      binsAt: layout.take(tables.bins.byteLength),
      spectrumAt: layout.take(2 * tables.bins.byteLength),
      filtersAt: layout.take(4 * tables.filters.length),
      coefficientsAt: layout.take(4 * tables.coefficients.length),
      padded: paddedLength(nFrames, hopLength, 2 * n),
    };
  });
  const signalAt = layout.take(4 * Math.max(...regions.map((r) => r.padded)));
  const mem = layout.commit();
  const heap = new Float32Array(mem.buffer);
  const heapBytes = new Uint8Array(mem.buffer);
  const heapInts = new Int32Array(mem.buffer);

  octaves.forEach(({ tables, signal, hopLength }, i) => {
    const { n } = tables;
    const r = regions[i];
    heap.set(twiddlesFor(n).stages, r.stagesAt / 4);
    heap.fill(1, r.windowAt / 4, r.windowAt / 4 + 2 * n);
    heapBytes.set(new Uint8Array(tables.bins), r.binsAt);
    heapInts.set(tables.filters, r.filtersAt / 4);
    heap.set(tables.coefficients, r.coefficientsAt / 4);
    const padded = heap.subarray(signalAt / 4, signalAt / 4 + r.padded);
    padded.fill(0, 0, n);
    padded.set(signal.subarray(0, Math.min(signal.length, r.padded - n)), n);
    padded.fill(0, n + signal.length);
    const kernel = kernels[i]!;
    const binsEnd = r.binsAt + tables.bins.byteLength;
    const filtersEnd = r.filtersAt + 4 * tables.filters.length;
    for (let b = 0; b < batches; b++) {
      const t = b * BATCH_FRAMES;
      kernel.frames(signalAt + 4 * t * hopLength, 4 * hopLength, r.windowAt, r.batchAt);
      const z = kernel.fft(r.batchAt, r.scratchAt, r.stagesAt);
      kernel.cqtBins(z, r.binsAt, binsEnd, r.spectrumAt, r.filtersAt, filtersEnd, r.coefficientsAt,
        outAt + 4 * t * nColumns, 4 * nColumns);
    }
  });
  out.set(heap.subarray(outAt / 4, outAt / 4 + out.length));
  return true;
}

/** A linear map from matrix rows to output rows, packed for the product kernel (see product-kernel.ts). */
export interface BandedMatrix {
  nOutputs: number;
  records: Int32Array;
  weights: Float32Array;
}

export interface BandSegment {
  output: number;
  /** Index of the first input value the weights apply to. */
  start: number;
  weights: ArrayLike<number>;
}

/** Packs segments for the product kernel; an output's segments must be consecutive. */
export function bandedMatrix(nOutputs: number, segments: readonly BandSegment[]): BandedMatrix {
  const records = new Int32Array(4 * segments.length);
  let nWeights = 0;
  for (const segment of segments) nWeights += Math.ceil(segment.weights.length / 4) * 4;
  const weights = new Float32Array(nWeights);
  let at = 0;
  segments.forEach((segment, i) => {
    if (segment.weights.length === 0) throw new Error('bandedMatrix: empty segment');
    weights.set(segment.weights, at);
    records.set([4 * segment.output, 4 * segment.start, 4 * at, 4 * (at + Math.ceil(segment.weights.length / 4) * 4)], 4 * i);
    at += Math.ceil(segment.weights.length / 4) * 4;
  });
  return { nOutputs, records, weights };
}

/**
 * out (nRows × bank.nOutputs) = the bank applied to each row of `input` (nRows × nColumns).
 * Returns false, writing nothing, where the kernels cannot run.
 */
export function bandedProductsKernel(bank: BandedMatrix, input: Float32Array, nColumns: number, out: Float32Array): boolean {
  const nRows = input.length / nColumns;
  if (nRows === 0) return true;
  productKernel ??= instantiate<ProductExports>(productKernelModuleBytes);
  if (!productKernel) return false;
  const layout = new Layout();
  // Segments read up to three values past their end: the zeros after the matrix.
  const matrixAt = layout.take(4 * input.length + 16);
  const recordsAt = layout.take(4 * bank.records.length + 16);
  const weightsAt = layout.take(4 * bank.weights.length);
  const outAt = layout.take(4 * out.length);
  const mem = layout.commit();
  const heap = new Float32Array(mem.buffer);
  heap.set(input, matrixAt / 4);
  heap.fill(0, matrixAt / 4 + input.length, matrixAt / 4 + input.length + 4);
  new Int32Array(mem.buffer).set(bank.records, recordsAt / 4);
  heap.set(bank.weights, weightsAt / 4);
  // An output without segments is zero.
  heap.fill(0, outAt / 4, outAt / 4 + out.length);
  productKernel.products(
    matrixAt, 4 * nColumns, nRows, recordsAt, recordsAt + 4 * bank.records.length, weightsAt, outAt, 4 * bank.nOutputs,
  );
  out.set(heap.subarray(outAt / 4, outAt / 4 + out.length));
  return true;
}

interface ResampleExports {
  split(signal: number, even: number, odd: number, blocks: number): void;
  halfBand(even: number, odd: number, taps: number, out: number, count: number): void;
}

let resampleKernel: ResampleExports | null | undefined;

/**
 * ceil(y.length / 2) outputs of the symmetric half-band filter with centre tap taps[0] and odd taps
 * taps[1..10] (at distances 1, 3, …, 19), zeros beyond the signal's edges: see resample-kernel.ts.
 * Null where the kernels cannot run.
 */
export function halfBandDownsampleKernel(y: Float32Array, taps: Float32Array): Float32Array | null {
  resampleKernel ??= instantiate<ResampleExports>(resampleKernelModuleBytes);
  if (!resampleKernel) return null;
  const count = Math.ceil(y.length / 2);
  const blocks = Math.ceil(count / 4) + 4; // enough trailing zeros for the last outputs' right taps
  const layout = new Layout();
  const signalAt = layout.take(32 * blocks);
  const evenAt = layout.take(16 * blocks);
  const oddAt = layout.take(4 * HALF_BAND_ODD_TAPS + 16 * blocks);
  const tapsAt = layout.take(4 * taps.length);
  const outAt = layout.take(16 * Math.ceil(count / 4));
  const heap = new Float32Array(layout.commit().buffer);
  heap.set(y, signalAt / 4);
  heap.fill(0, signalAt / 4 + y.length, signalAt / 4 + 8 * blocks);
  heap.fill(0, oddAt / 4, oddAt / 4 + HALF_BAND_ODD_TAPS);
  heap.set(taps, tapsAt / 4);
  resampleKernel.split(signalAt, evenAt, oddAt + 4 * HALF_BAND_ODD_TAPS, blocks);
  resampleKernel.halfBand(evenAt, oddAt, tapsAt, outAt, count);
  return heap.slice(outAt / 4, outAt / 4 + count);
}
