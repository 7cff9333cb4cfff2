import { decodeAnalysisExcerpt, type AnalysisExcerpt } from '../audio/windows.js';
import { logMelSpectrogram } from '../features/analyze.js';
import type { TimeFrequency } from '../dsp/types.js';
import { FeatureCache } from './feature-cache.js';
import { ANALYSIS_INPUT_SPEC } from './input-spec.js';

/** Cache key of the model input (analysis's log-mel of the analysis excerpt); bump on recipe changes. */
const MEL_FEATURE = `logmel-v1|${JSON.stringify(ANALYSIS_INPUT_SPEC)}|analysis-excerpt`;

/**
 * Decodes a file's analysis excerpt (core/audio/windows.ts) and returns its log-mel (the same
 * melDb analyzeSignal produces, without the other features' cost), through the cache if given.
 */
export async function fileLogMel(file: string, cache: FeatureCache | null, durationSeconds?: number | null): Promise<TimeFrequency> {
  const compute = async () => logMelSpectrogram((await decodeAnalysisExcerpt(file, durationSeconds)).samples);
  return cache ? cache.getOrCompute(file, MEL_FEATURE, compute) : compute();
}

/** The decoded excerpt and its log-mel, for callers that also need track time (timelines). */
export async function excerptLogMel(file: string, durationSeconds?: number | null): Promise<{ excerpt: AnalysisExcerpt; mel: TimeFrequency }> {
  const excerpt = await decodeAnalysisExcerpt(file, durationSeconds);
  return { excerpt, mel: logMelSpectrogram(excerpt.samples) };
}
