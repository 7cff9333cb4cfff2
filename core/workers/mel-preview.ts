import type { TimeFrequency } from '../dsp/types.js';
import type { MelPreview } from '../library/types.js';

export const PREVIEW_MAX_FRAMES = 640;
export const PREVIEW_BANDS = 64;
/** The preview spans this many dB below its loudest cell (power_to_db's top_db). */
export const PREVIEW_RANGE_DB = 80;

/**
 * Shrinks a mel spectrogram in dB (frames × mels, time-major) to a display preview: adjacent mel bands
 * and frames are averaged down to at most PREVIEW_BANDS × PREVIEW_MAX_FRAMES, then quantised to uint8
 * over the top PREVIEW_RANGE_DB.
 */
export function melPreview(melDb: TimeFrequency, secondsPerInputFrame: number): MelPreview {
  const { data, nFrames, nBins } = melDb;
  const bandGroup = Math.max(1, Math.ceil(nBins / PREVIEW_BANDS));
  const frameGroup = Math.max(1, Math.ceil(nFrames / PREVIEW_MAX_FRAMES));
  const bands = Math.ceil(nBins / bandGroup);
  const frames = Math.ceil(nFrames / frameGroup);

  const averaged = new Float32Array(frames * bands);
  let dbMax = -Infinity;
  for (let frame = 0; frame < frames; frame++) {
    const firstFrame = frame * frameGroup;
    const lastFrame = Math.min(nFrames, firstFrame + frameGroup);
    for (let band = 0; band < bands; band++) {
      const firstBin = band * bandGroup;
      const lastBin = Math.min(nBins, firstBin + bandGroup);
      let sum = 0;
      for (let t = firstFrame; t < lastFrame; t++) {
        for (let f = firstBin; f < lastBin; f++) sum += data[t * nBins + f];
      }
      const mean = sum / ((lastFrame - firstFrame) * (lastBin - firstBin));
      averaged[frame * bands + band] = mean;
      if (mean > dbMax) dbMax = mean;
    }
  }
  if (!Number.isFinite(dbMax)) dbMax = 0;
  const dbMin = dbMax - PREVIEW_RANGE_DB;

  const quantised = new Uint8Array(averaged.length);
  for (let i = 0; i < averaged.length; i++) {
    const level = (averaged[i] - dbMin) / PREVIEW_RANGE_DB;
    quantised[i] = Math.round(255 * Math.min(1, Math.max(0, level)));
  }
  return { bands, frames, secondsPerFrame: frameGroup * secondsPerInputFrame, dbMin, dbMax, data: quantised };
}
