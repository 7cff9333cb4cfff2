import { decodeAnalysisExcerpt, type AnalysisExcerpt } from '../audio/windows.js';
import { melSpectrogram, powerToDbTf } from '../dsp/mel.js';
import { stftMagnitude } from '../dsp/stft.js';
import type { TimeFrequency } from '../dsp/types.js';
import { FeatureCache } from './feature-cache.js';
import { ANALYSIS_INPUT_SPEC as SPEC } from './input-spec.js';

/**
 * The model input alone, for training and `timbre classify`: the same log-mel as analyzeSignal's
 * melDb (librosa.power_to_db(librosa.feature.melspectrogram(y, sr=22050, n_fft=2048,
 * hop_length=512, n_mels=128), top_db=80)), without the other MIR features' cost.
 */
export function logMelSpectrogram(y: Float32Array): TimeFrequency {
  const magnitude = stftMagnitude(y, { nFft: SPEC.nFft, hopLength: SPEC.hopLength });
  const power = { ...magnitude, data: magnitude.data.map((value) => value * value) };
  return powerToDbTf(melSpectrogram(power, { sr: SPEC.sampleRate, nFft: SPEC.nFft, nMels: SPEC.nMels }), { topDb: SPEC.topDb });
}

/** Cache key of the log-mel recipe; bump the version when the recipe changes. */
const MEL_FEATURE = `logmel-v1|${JSON.stringify(SPEC)}|analysis-excerpt`;

/** Decodes a file's analysis excerpt (core/audio/windows.ts) and returns its log-mel, cached. */
export async function fileLogMel(file: string, cache: FeatureCache | null, durationSeconds?: number | null): Promise<TimeFrequency> {
  const compute = async () => logMelSpectrogram((await decodeAnalysisExcerpt(file, durationSeconds)).samples);
  return cache ? cache.getOrCompute(file, MEL_FEATURE, compute) : compute();
}

/** The decoded excerpt and its log-mel, for callers that also need track time (timelines). */
export async function excerptLogMel(file: string, durationSeconds?: number | null): Promise<{ excerpt: AnalysisExcerpt; mel: TimeFrequency }> {
  const excerpt = await decodeAnalysisExcerpt(file, durationSeconds);
  return { excerpt, mel: logMelSpectrogram(excerpt.samples) };
}
