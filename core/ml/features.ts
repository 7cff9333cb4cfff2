import { decodeAudio, type TimeWindow } from '../audio/decode.js';
import { decodeAnalysisExcerpt } from '../audio/windows.js';
import { logMelSpectrogram } from '../features/analyze.js';
import type { TimeFrequency } from '../dsp/types.js';
import { FeatureCache } from './feature-cache.js';
import { ANALYSIS_INPUT_SPEC } from './input-spec.js';

/** Cache key of the model input (analysis's log-mel); bump on recipe changes. */
const MEL_FEATURE = `logmel-v1|${JSON.stringify(ANALYSIS_INPUT_SPEC)}`;

/**
 * Decodes a file's analysis excerpt (core/audio/windows.ts) and returns its log-mel (the same
 * melDb analyzeSignal produces, without the other features' cost), through the cache if given.
 * This is what the scan feeds the model, so evaluation and inference use it.
 */
export async function fileLogMel(file: string, cache: FeatureCache | null, durationSeconds?: number | null): Promise<TimeFrequency> {
  const compute = async () => logMelSpectrogram((await decodeAnalysisExcerpt(file, durationSeconds)).samples);
  return cache ? cache.getOrCompute(file, `${MEL_FEATURE}|analysis-excerpt|${durationSeconds ?? 'unknown'}`, compute) : compute();
}

/** Tracks up to this long are trained on whole (the training clips of emotify-dev are 60 s). */
export const TRAINING_WHOLE_TRACK_SECONDS = 75;
const TRAINING_WINDOW_SECONDS = 20;
const TRAINING_WINDOW_CENTRES = [0.2, 0.5, 0.8];

/**
 * The audio a training clip contributes: more than the analysis excerpt, so the network's random
 * 29.7-s windows vary from epoch to epoch (random crops as augmentation). Short tracks whole
 * (decoded to the cap: tags can be wrong); longer ones three 20-s windows at 20, 50 and 80 %.
 */
export function trainingWindows(durationSeconds: number | null | undefined): TimeWindow[] {
  if (!durationSeconds || !Number.isFinite(durationSeconds) || durationSeconds <= TRAINING_WHOLE_TRACK_SECONDS) {
    return [{ offsetSeconds: 0, durationSeconds: TRAINING_WHOLE_TRACK_SECONDS }];
  }
  return TRAINING_WINDOW_CENTRES.map((centre) => ({
    offsetSeconds: Math.max(0, centre * durationSeconds - TRAINING_WINDOW_SECONDS / 2),
    durationSeconds: TRAINING_WINDOW_SECONDS,
  }));
}

/** The log-mel of a file's training excerpt (trainingWindows), through the cache if given. */
export async function fileTrainingLogMel(file: string, cache: FeatureCache | null, durationSeconds?: number | null): Promise<TimeFrequency> {
  const compute = async () => logMelSpectrogram(await decodeAudio(file, { windows: trainingWindows(durationSeconds) }));
  return cache ? cache.getOrCompute(file, `${MEL_FEATURE}|training-excerpt|${durationSeconds ?? 'unknown'}`, compute) : compute();
}
