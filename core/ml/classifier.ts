import type { TimeFrequency } from '../dsp/types.js';
import { initBackend } from './backend.js';
import { fuseProbabilities, statisticsProbabilities, type StatisticsHead } from './fusion.js';
import { predictEnsemble } from './inference.js';
import { ANALYSIS_INPUT_SPEC } from './input-spec.js';
import type { CnnLstmModel } from './model.js';
import { defaultModelsDirectory, loadRegisteredModel, type ModelDefinition } from './registry.js';
import { decideGenre, DEFAULT_UNSURE_THRESHOLD, type GenreDecision } from './unsure.js';

export interface GenreSegment {
  /** Seconds from the start of the analysed audio. */
  start: number;
  end: number;
  /** The segment's top genre, or null when it is below the model's unsure threshold. */
  genre: string | null;
  probabilities: Record<string, number>;
}

/** genre is null (unsure) when the top probability is below the model's threshold; probabilities are always given. */
export interface GenrePrediction extends GenreDecision {
  probabilities: Record<string, number>;
  /** The genre timeline: one ~3-s segment after another. */
  segments: GenreSegment[];
  /** Fixed-size, L2-normalised track embedding (cosine similarity = dot product). */
  embedding: Float32Array;
}

export interface GenreClassifier {
  modelId: string;
  version: string;
  labels: string[];
  /** Whether the model fuses the track's MIR statistics (then pass them to classifyMel). */
  usesStatistics: boolean;
  /** A genre is named only when its probability reaches this (the model definition's, else the default). */
  unsureThreshold: number;
  /**
   * Classifies a log-mel spectrogram (analyzeSignal's melDb: frames × 128 Slaney mels, dB). With
   * `fma518` (analyzeSignal's statistics of the same audio) and a model that has a statistics
   * head, the track probabilities fuse both; without, they are the network's alone. Segments and
   * the embedding are the network's either way.
   */
  classifyMel(melDb: TimeFrequency, fma518?: ArrayLike<number>): GenrePrediction;
  /** Frees the model's tensors. */
  dispose(): void;
}

/**
 * Loads a registered model (the default when `modelId` is absent) on the best available backend,
 * after checking that its input spec matches the analysis parameters.
 */
export async function loadClassifier(modelId?: string, modelsDirectory = defaultModelsDirectory()): Promise<GenreClassifier> {
  await initBackend();
  const { entry, definition, members } = await loadRegisteredModel(modelId, modelsDirectory);
  const head = definition.statisticsHead ?? null;
  const unsureThreshold = unsureThresholdOf(definition);
  return {
    modelId: entry.id,
    version: entry.version,
    labels: [...entry.labels],
    usesStatistics: head !== null,
    unsureThreshold,
    classifyMel: (melDb, fma518) => classifyWithModel(members, melDb, head && fma518 ? { head, fma518 } : undefined, unsureThreshold),
    dispose: () => members.forEach((member) => member.dispose()),
  };
}

/** The definition's `unsureThreshold` when it holds a probability in (0, 1], else DEFAULT_UNSURE_THRESHOLD. */
export function unsureThresholdOf(definition: ModelDefinition & { unsureThreshold?: unknown }): number {
  const threshold = definition.unsureThreshold;
  return typeof threshold === 'number' && threshold > 0 && threshold <= 1 ? threshold : DEFAULT_UNSURE_THRESHOLD;
}

/**
 * Classifies with one network or an ensemble of networks sharing a config, fusing the track
 * probabilities with a statistics head when one is given with the track's statistics. The track and
 * each segment name a genre only at or above `unsureThreshold`.
 */
export function classifyWithModel(
  model: CnnLstmModel | readonly CnnLstmModel[],
  melDb: TimeFrequency,
  statistics?: { head: StatisticsHead; fma518: ArrayLike<number> },
  unsureThreshold = DEFAULT_UNSURE_THRESHOLD,
): GenrePrediction {
  const members = Array.isArray(model) ? model : [model as CnnLstmModel];
  const labels = members[0].config.labels;
  const prediction = predictEnsemble(members, melDb);
  const secondsPerFrame = ANALYSIS_INPUT_SPEC.hopLength / ANALYSIS_INPUT_SPEC.sampleRate;
  const track = statistics
    ? fuseProbabilities(prediction.probabilities, statisticsProbabilities(statistics.head, statistics.fma518), statistics.head.weight)
    : prediction.probabilities;
  const probabilities = labelled(labels, track);
  return {
    ...decideGenre(probabilities, unsureThreshold),
    probabilities,
    segments: prediction.segmentProbabilities.map((row, i) => {
      const segmentProbabilities = labelled(labels, row);
      return {
        start: round(prediction.segmentFrames[i][0] * secondsPerFrame),
        end: round(prediction.segmentFrames[i][1] * secondsPerFrame),
        genre: decideGenre(segmentProbabilities, unsureThreshold).genre,
        probabilities: segmentProbabilities,
      };
    }),
    embedding: prediction.embedding,
  };
}

function labelled(labels: string[], values: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(labels.map((label, i) => [label, round(values[i], 4)]));
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
