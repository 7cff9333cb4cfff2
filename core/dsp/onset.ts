import { medianBySelection } from './stats.js';
import type { TimeFrequency } from './types.js';

export interface OnsetStrengthOptions {
  lag?: number;
  /** How the per-band differences of a frame are combined: librosa's default np.mean, or np.median. */
  aggregate?: 'mean' | 'median';
  /** The STFT that produced the spectrogram; with center, the envelope is shifted by nFft / (2·hop) frames. */
  nFft?: number;
  hopLength?: number;
  center?: boolean;
}

/**
 * librosa.onset.onset_strength(S=logMel, lag, max_size=1, aggregate, center): the positive part of
 * the frame-to-frame increase of each band of a log-power (dB) mel spectrogram (frames × bands),
 * combined across bands, zero-padded at the front to undo the lag and framing delay, and trimmed to
 * the spectrogram's length.
 */
export function onsetStrength(logMel: TimeFrequency, options: OnsetStrengthOptions = {}): Float32Array {
  const lag = options.lag ?? 1;
  const aggregate = options.aggregate ?? 'mean';
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const center = options.center ?? true;
  if (lag < 1 || !Number.isInteger(lag)) throw new Error('onsetStrength: lag must be a positive integer');
  const { data, nFrames, nBins } = logMel;
  const delay = lag + (center ? Math.floor(nFft / (2 * hopLength)) : 0);
  const length = center ? nFrames : nFrames - lag + delay;
  const out = new Float32Array(Math.max(0, length));
  const increases = new Float64Array(nBins);
  for (let t = lag; t < nFrames; t++) {
    const target = t - lag + delay;
    if (target >= out.length) break;
    const row = t * nBins;
    const previous = (t - lag) * nBins;
    let sum = 0;
    let rising = 0;
    for (let b = 0; b < nBins; b++) {
      const increase = Math.max(0, data[row + b] - data[previous + b]);
      increases[b] = increase;
      sum += increase;
      if (increase > 0) rising++;
    }
    if (aggregate === 'mean') out[target] = sum / nBins;
    // The rest are exact zeros: when they fill the upper middle position, the median is 0 without
    // a selection (most frames of music, where fewer than half the bands get louder).
    else out[target] = rising < nBins - (nBins >> 1) ? 0 : medianBySelection(increases);
  }
  return out;
}
