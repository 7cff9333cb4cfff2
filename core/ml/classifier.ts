import type { TimeFrequency } from '../dsp/types.js';
import { initBackend } from './backend.js';
import { fuseProbabilities, statisticsProbabilities, type StatisticsHead } from './fusion.js';
import { predictEnsemble } from './inference.js';
import { ANALYSIS_INPUT_SPEC } from './input-spec.js';
import type { CnnLstmModel } from './model.js';
import { defaultModelsDirectory, loadRegisteredModel, outputLabels, type ModelDefinition } from './registry.js';
import { applyTemperature } from './calibration.js';
import { atypicality, backboneHeadProbabilities, backboneRow, linearHeadProbabilities, OUTSIDE_TRAINING_THRESHOLD } from './heads.js';
import { decideGenre, DEFAULT_UNSURE_THRESHOLD, type GenreDecision } from './unsure.js';
import type { GenreSegment } from './prediction-types.js';
import type { BackboneFeatures } from './pretrained/types.js';

export type { GenreSegment } from './prediction-types.js';

/**
 * A track's genres: `genre` is null (unsure) when the top probability is below `unsureThreshold`;
 * `candidates` and `probabilities` are always given.
 */
export interface GenrePrediction extends GenreDecision {
  /** Calibrated probabilities of every label of the model. */
  probabilities: Record<string, number>;
  /** Whether a pretrained backbone's features were fused in. */
  backbone: string | null;
  /**
   * The threshold below which `genre` is not named (unsure), for the probabilities given; above 1 for
   * a track outside what the model was trained on (`outsideTraining`).
   */
  unsureThreshold: number;
  /** The track's statistics lie further from the training clips' than 99 % of those clips do. */
  outsideTraining: boolean;
  /**
   * The genre timeline: one ~3-s segment after another, from the network alone, in its labels
   * (segmentLabels): a model with a family head names its track genres from the statistics, whose
   * families the network's timeline may not have.
   */
  segments: GenreSegment[];
  /** Fixed-size, L2-normalised track embedding (cosine similarity = dot product). */
  embedding: Float32Array;
}

/** A pretrained backbone's outputs for the same excerpt (its tags and embedding, mean over patches): BackboneFeatures or what it holds. */
export type BackboneInput = Pick<BackboneFeatures, 'modelId' | 'tags' | 'embedding'> | { modelId: string; tags: ArrayLike<number>; embedding: ArrayLike<number> };

export interface GenreClassifier {
  modelId: string;
  version: string;
  /** The labels of the track probabilities. */
  labels: string[];
  /** The labels of the timeline's segments (the network's). */
  segmentLabels: string[];
  /** Whether the model reads the track's MIR statistics (then pass them to classifyMel). */
  usesStatistics: boolean;
  /** Whether it needs them: a family-head model names its families from the statistics. */
  requiresStatistics: boolean;
  /** The backbone whose features the model can fuse (pass them to classifyMel), or null. */
  backbone: string | null;
  /** A genre is named only at this probability, without a backbone (with one, each prediction carries its own). */
  unsureThreshold: number;
  /**
   * Classifies a log-mel spectrogram (analyzeSignal's melDb: frames × 128 Slaney mels, dB). With
   * `fma518` (analyzeSignal's statistics of the same audio) and a model that has a statistics
   * head, the track probabilities fuse both; a family-head model takes them from the statistics.
   * With `backbone` features of the model's backbone, its backbone head is fused in. Segments and
   * the embedding are the network's either way.
   */
  classifyMel(melDb: TimeFrequency, fma518?: ArrayLike<number>, backbone?: BackboneInput): GenrePrediction;
  /** The network's track embedding alone (needs no statistics): what similarity reads. */
  embedMel(melDb: TimeFrequency): Float32Array;
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
  return classifierFrom(entry.id, entry.version, definition, members);
}

/** A classifier over a loaded definition and its networks. */
export function classifierFrom(modelId: string, version: string, definition: ModelDefinition, members: CnnLstmModel[]): GenreClassifier {
  const head = definition.statisticsHead ?? null;
  const familyHead = definition.familyHead ?? null;
  const backboneHead = definition.backboneHead ?? null;
  const unsureThreshold = unsureThresholdOf(definition);
  return {
    modelId,
    version,
    labels: outputLabels(definition),
    segmentLabels: [...definition.config.labels],
    usesStatistics: head !== null || familyHead !== null,
    requiresStatistics: familyHead !== null,
    backbone: backboneHead?.backbone ?? null,
    unsureThreshold,
    classifyMel: (melDb, fma518, backbone) => {
      if (familyHead && !fma518) throw new Error(`model ${modelId} names genre families from the track's MIR statistics: give them`);
      // The network's own labels (its timeline) are decided at the model's threshold only when they are the track's labels too.
      const ownLabels = !familyHead && !backboneHead && definition.temperature === undefined;
      const prediction = classifyWithModel(members, melDb, head && fma518 ? { head, fma518 } : undefined, ownLabels ? unsureThreshold : DEFAULT_UNSURE_THRESHOLD);
      if (ownLabels) return prediction;
      const labels = outputLabels(definition);
      const base = familyHead ? linearHeadProbabilities(familyHead, fma518!) : Float32Array.from(labels, (label) => prediction.probabilities[label]);
      let track = applyTemperature(base, definition.temperature ?? 1);
      const outsideTraining = !!familyHead?.atypicalityLimit && atypicality(familyHead, fma518!) > familyHead.atypicalityLimit;
      let threshold = unsureThreshold;
      let fused: string | null = null;
      if (backboneHead && backbone && backbone.modelId === backboneHead.backbone) {
        const row = backboneRow(backbone.tags, backbone.embedding);
        track = applyTemperature(fuseProbabilities(track, backboneHeadProbabilities(backboneHead, row), backboneHead.weight), backboneHead.temperature);
        threshold = backboneHead.unsureThreshold;
        fused = backboneHead.backbone;
      }
      const probabilities = labelled(labels, track);
      const trackThreshold = outsideTraining ? OUTSIDE_TRAINING_THRESHOLD : threshold;
      return {
        ...prediction,
        ...decideGenre(probabilities, trackThreshold),
        probabilities,
        backbone: fused,
        unsureThreshold: trackThreshold,
        outsideTraining,
      };
    },
    embedMel: (melDb) => predictEnsemble(members, melDb).embedding,
    dispose: () => members.forEach((member) => member.dispose()),
  };
}

/** The definition's `unsureThreshold` when it holds a probability in (0, 1], else DEFAULT_UNSURE_THRESHOLD. */
export function unsureThresholdOf(definition: Pick<ModelDefinition, 'unsureThreshold'>): number {
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
    backbone: null,
    unsureThreshold,
    outsideTraining: false,
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
