import { RealFft } from '../../dsp/fft.js';
import { applyFilterBank, melFilterBank, type FilterBank } from '../../dsp/mel.js';
import { resamplePoly } from '../../dsp/resample-poly.js';
import { stftFrameCount } from '../../dsp/stft.js';
import { timeFrequency, type TimeFrequency } from '../../dsp/types.js';
import { stftKernel } from '../../dsp/wasm/kernels.js';
import type { BackboneInputSpec } from './types.js';

/**
 * MusiCNN's input (Essentia's TensorflowInputMusiCNN, as ORIGIN.md of msd-musicnn-1 gives it),
 * written as the librosa calls it equals:
 *
 *   y16 = librosa.resample(y, orig_sr=sr, target_sr=16000, res_type='polyphase')
 *   S = np.abs(librosa.stft(y16, n_fft=512, hop_length=256, window=scipy.signal.windows.hann(512, sym=True),
 *                           center=True, pad_mode='constant')) ** 2
 *   M = librosa.filters.mel(sr=16000, n_fft=512, n_mels=96, fmin=0, fmax=8000, htk=False, norm='slaney') @ S
 *   X = np.log10(1 + 10000 * M).T        # frames × 96, cut into 187-frame patches
 *
 * Essentia's FrameCutter centres its first frame on sample 0 with zeros before it (librosa's center=True
 * with constant padding); its 'hann' window is the symmetric one; its 'unit_tri' slaneyMel bank is
 * librosa's Slaney-normalised bank.
 */
export const MUSICNN_INPUT_SPEC: BackboneInputSpec = {
  sampleRate: 16000,
  frameSize: 512,
  hopSize: 256,
  window: 'hann-symmetric',
  melBands: 96,
  melScale: 'slaney',
  melNorm: 'slaney',
  fMin: 0,
  fMax: 8000,
  compression: 'log10(1+10000x)',
  patchFrames: 187,
};

/** scipy.signal.windows.hann(n, sym=True): zero at both ends, as Essentia's Windowing('hann'). */
export function symmetricHannWindow(n: number): Float32Array {
  const w = new Float32Array(n);
  if (n === 1) return w.fill(1);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

let cachedBank: FilterBank | null = null;
let cachedWindow: Float32Array | null = null;

export function musicnnMelBank(): FilterBank {
  cachedBank ??= melFilterBank({
    sr: MUSICNN_INPUT_SPEC.sampleRate,
    nFft: MUSICNN_INPUT_SPEC.frameSize,
    nMels: MUSICNN_INPUT_SPEC.melBands,
    fMin: MUSICNN_INPUT_SPEC.fMin,
    fMax: MUSICNN_INPUT_SPEC.fMax,
  });
  return cachedBank;
}

/** |STFT|² with the symmetric Hann window, centred frames, zeros outside the signal; time-major. */
export function symmetricHannPower(y: Float32Array, frameSize: number, hopSize: number): TimeFrequency {
  cachedWindow = cachedWindow?.length === frameSize ? cachedWindow : symmetricHannWindow(frameSize);
  const window = cachedWindow;
  const nBins = (frameSize >> 1) + 1;
  const nFrames = stftFrameCount(y.length, frameSize, hopSize);
  const magnitude = timeFrequency(nFrames, nBins);
  const power = timeFrequency(nFrames, nBins);
  if (stftKernel(y, hopSize, window, magnitude.data, power.data)) return power;
  const fft = new RealFft(frameSize);
  const frame = new Float64Array(frameSize);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hopSize - (frameSize >> 1);
    for (let i = 0; i < frameSize; i++) {
      const j = start + i;
      frame[i] = j >= 0 && j < y.length ? y[j] * window[i] : 0;
    }
    fft.forwardMagnitude(frame, magnitude.data, t * nBins);
  }
  for (let i = 0; i < power.data.length; i++) power.data[i] = magnitude.data[i] * magnitude.data[i];
  return power;
}

/** log10(1 + 10000·x) in place: Essentia's UnaryOperator shift 1, scale 10000, then log10. */
export function compressLog10(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = Math.log10(1 + 10000 * values[i]);
  return values;
}

/** MusiCNN's log-mel (frames × 96) of a 16 kHz signal. */
export function musicnnLogMel16k(y16: Float32Array): TimeFrequency {
  const power = symmetricHannPower(y16, MUSICNN_INPUT_SPEC.frameSize, MUSICNN_INPUT_SPEC.hopSize);
  const mel = applyFilterBank(power, musicnnMelBank());
  compressLog10(mel.data as Float32Array);
  return mel;
}

/** MusiCNN's log-mel of a mono signal at any integer sample rate (resampled to 16 kHz first). */
export function musicnnLogMel(signal: Float32Array, sampleRate: number): TimeFrequency {
  const y16 = sampleRate === MUSICNN_INPUT_SPEC.sampleRate ? signal : resamplePoly(signal, sampleRate, MUSICNN_INPUT_SPEC.sampleRate);
  return musicnnLogMel16k(y16);
}

/**
 * Consecutive, non-overlapping patches of `patchFrames` frames, the remainder dropped (Essentia's
 * patch hop = patch size, last patch discarded). An excerpt shorter than one patch gives one patch,
 * its missing frames zero (silence after the compression).
 */
export function cutPatches(mel: TimeFrequency, patchFrames: number): { data: Float32Array; count: number } {
  const count = Math.max(1, Math.floor(mel.nFrames / patchFrames));
  const size = patchFrames * mel.nBins;
  const data = new Float32Array(count * size);
  data.set(mel.data.subarray(0, Math.min(mel.data.length, data.length)));
  return { data, count };
}

/** How many patches cutPatches gives for a signal of `length` samples at `sampleRate`. */
export function musicnnPatchCount(length: number, sampleRate: number): number {
  const { sampleRate: rate, hopSize, patchFrames } = MUSICNN_INPUT_SPEC;
  const length16 = sampleRate === rate ? length : Math.ceil((length * rate) / sampleRate);
  return Math.max(1, Math.floor((1 + Math.floor(length16 / hopSize)) / patchFrames));
}

/**
 * `k` patch indices of `count`, evenly spread (the middle one when k = 1), ascending; all of them when
 * k ≥ count.
 */
export function spreadPatches(count: number, k: number): number[] {
  if (k >= count) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * count) / k));
}

/**
 * The patches `indices` of cutPatches(musicnnLogMel(signal, sampleRate)), computed from only the audio
 * they need: each patch's stretch is resampled and framed on its own. Stretches start on a sample where
 * both rates meet (a multiple of 441 at 22,050 Hz is one of 320 at 16 kHz), with margins wider than the
 * resampling filter and half a frame, so every value equals the whole-signal computation's.
 */
export function musicnnPatchInput(signal: Float32Array, sampleRate: number, indices: readonly number[]): Float32Array {
  const { sampleRate: rate, hopSize, frameSize, patchFrames, melBands } = MUSICNN_INPUT_SPEC;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new Error(`sample rate must be a positive integer, got ${sampleRate}`);
  const divisor = gcd(rate, sampleRate);
  const up = rate / divisor;
  const down = sampleRate / divisor;
  const size = patchFrames * melBands;
  const out = new Float32Array(indices.length * size);
  for (const [slot, patch] of indices.entries()) {
    // 16-kHz samples the patch's frames read: centres patch·187·hop … (patch·187 + 186)·hop, ± half a frame.
    const firstFrame = patch * patchFrames;
    const needFrom = firstFrame * hopSize - frameSize / 2;
    const needTo = (firstFrame + patchFrames - 1) * hopSize + frameSize / 2;
    // Start on a sample of both grids at least `up` samples early (`down` input samples, more than the
    // filter's reach of 10·max(up, down)/up input samples each side), and end as far past the need.
    const reach = Math.ceil((10 * Math.max(up, down)) / up) + 1;
    const from16 = Math.max(0, (Math.floor(needFrom / up) - 1) * up);
    const from = (from16 / up) * down;
    const to = Math.min(signal.length, Math.ceil(((needTo + 1) * down) / up) + reach);
    const stretch16 = from < signal.length ? (up === down ? signal.subarray(from, to) : resamplePoly(signal.subarray(from, to), sampleRate, rate)) : new Float32Array(0);
    // Frames of `local` are centred on multiples of the hop from its sample 0: start it half a frame
    // before the patch's first centre (zeros before the signal, as the whole-signal STFT pads).
    const localStart = firstFrame * hopSize - frameSize / 2;
    const local = new Float32Array(patchFrames * hopSize + frameSize);
    for (let i = 0; i < local.length; i++) {
      const global16 = localStart + i;
      const j = global16 - from16;
      if (global16 >= 0 && j >= 0 && j < stretch16.length) local[i] = stretch16[j];
    }
    // Local frame f is centred on global sample localStart + f·hop: the patch's first frame is local frame frame/2/hop.
    const mel = musicnnLogMel16k(local);
    const offset = frameSize / 2 / hopSize;
    out.set(mel.data.subarray(offset * melBands, (offset + patchFrames) * melBands), slot * size);
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
