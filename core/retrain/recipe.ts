import { classificationReport } from '../ml/metrics.js';
import { groupedFolds } from '../ml/splits.js';
import { applyHead, DEFAULT_HEAD_OPTIONS, trainHead, type HeadExample, type HeadParameters, type HeadTrainOptions } from './head.js';
import type { HeadValidation } from './types.js';

/** Everything a retrain learns from: plain data, so it can cross to a worker thread. */
export interface RetrainInput {
  labels: string[];
  baseLabels: string[];
  baseIndex: number[];
  /** The confirmed tracks: label = first confirmed genre, group = artist (or the track when unknown). */
  examples: Array<{ embedding: Float32Array; baseProbabilities: Float32Array; label: number; group: string }>;
  /** A sample of unconfirmed tracks: they keep the head close to the shipped model where no fix says otherwise. */
  unconfirmed: Array<{ embedding: Float32Array; baseProbabilities: Float32Array }>;
  options?: HeadTrainOptions;
  /** Folds of the artist-grouped validation (fewer when there are fewer groups). */
  folds?: number;
}

export interface RetrainOutput {
  head: HeadParameters;
  validation: HeadValidation | null;
  /** The final head's training loss after each epoch. */
  epochLosses: number[];
  seconds: number;
}

export interface RecipeProgress {
  /** 1..steps: one step per validation fold, then the final head. */
  step: number;
  steps: number;
  message: string;
}

export const DEFAULT_FOLDS = 5;
/** Below this many confirmed tracks a validation figure would be noise: none is reported. */
export const MIN_VALIDATION_TRACKS = 10;

/** The validation folds a retrain will run for these examples (0: no validation). */
export function validationFolds(examples: ReadonlyArray<{ group: string }>, folds = DEFAULT_FOLDS): number {
  const groups = new Set(examples.map((example) => example.group)).size;
  if (examples.length < MIN_VALIDATION_TRACKS || groups < 2) return 0;
  return Math.min(folds, groups);
}

/**
 * The retrain: artist-grouped k-fold validation of the head recipe (each confirmed track predicted by a
 * head that saw none of its artist's confirmed tracks), then the head trained on every confirmed track;
 * the unconfirmed sample joins every training.
 */
export function runRetrain(input: RetrainInput, onProgress: (progress: RecipeProgress) => void = () => {}): RetrainOutput {
  const started = performance.now();
  const options = input.options ?? DEFAULT_HEAD_OPTIONS;
  const folds = validationFolds(input.examples, input.folds);
  const steps = folds + 1;
  const unconfirmed: HeadExample[] = input.unconfirmed.map((track) => ({ ...track, label: null }));
  let validation: HeadValidation | null = null;
  if (folds > 0) {
    const classes = input.labels.length;
    const assignment = groupedFolds(input.examples, folds, options.seed, classes);
    const predicted = new Array<number>(input.examples.length).fill(-1);
    for (let fold = 0; fold < folds; fold++) {
      onProgress({ step: fold + 1, steps, message: `validating on held-out artists (fold ${fold + 1} of ${folds})` });
      const training = [...input.examples.filter((_, i) => assignment[i] !== fold), ...unconfirmed];
      const { head } = trainHead(training, input.labels, input.baseLabels, input.baseIndex, options);
      input.examples.forEach((example, i) => {
        if (assignment[i] === fold) predicted[i] = argMax(applyHead(head, example.embedding, example.baseProbabilities));
      });
    }
    const report = classificationReport(
      input.examples.map((example) => example.label),
      predicted,
      input.labels,
    );
    validation = {
      accuracy: report.accuracy,
      kappa: report.kappa,
      tracks: input.examples.length,
      folds,
      groups: new Set(input.examples.map((example) => example.group)).size,
    };
  }
  onProgress({ step: steps, steps, message: `training on ${input.examples.length} confirmed tracks` });
  const { head, epochLosses } = trainHead([...input.examples, ...unconfirmed], input.labels, input.baseLabels, input.baseIndex, options);
  return { head, validation, epochLosses, seconds: (performance.now() - started) / 1000 };
}

function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
