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
  examples: ConfirmedExample[];
  /** A sample of unconfirmed tracks: they keep the head close to the shipped model where no fix says otherwise. */
  unconfirmed: Array<{ embedding: Float32Array; baseProbabilities: Float32Array }>;
  /** Head options; `l2` is chosen from L2_CHOICES by grouped cross-validation unless `fixedL2`. */
  options?: HeadTrainOptions;
  fixedL2?: boolean;
  /** Folds of the artist-grouped validation (fewer when there are fewer groups). */
  folds?: number;
}

type ConfirmedExample = { embedding: Float32Array; baseProbabilities: Float32Array; label: number; group: string };

export interface RetrainOutput {
  head: HeadParameters;
  validation: HeadValidation | null;
  /**
   * Per confirmed example (input order): the class its validation fold's head predicted for it, a head
   * that saw none of its artist's tracks; null when there was no validation.
   */
  outOfFold: number[] | null;
  /** The L2 penalty the final head was trained with. */
  l2: number;
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
/** Folds of the inner cross-validation that picks the L2 penalty. */
const INNER_FOLDS = 3;
/**
 * The L2 penalties tried: how far the head may move from the shipped model depends on how many fixes
 * there are and how consistent they are, so it is picked per library, by grouped cross-validation.
 */
export const L2_CHOICES = [1e-3, 1e-2, 1e-1];
/** Below this many confirmed tracks a validation figure would be noise: none is reported. */
export const MIN_VALIDATION_TRACKS = 10;

/** The validation folds a retrain will run for these examples (0: no validation). */
export function validationFolds(examples: ReadonlyArray<{ group: string }>, folds = DEFAULT_FOLDS): number {
  const groups = new Set(examples.map((example) => example.group)).size;
  if (examples.length < MIN_VALIDATION_TRACKS || groups < 2) return 0;
  return Math.min(folds, groups);
}

/**
 * The retrain: artist-grouped k-fold validation of the whole recipe (each confirmed track predicted by
 * a head that saw none of its artist's confirmed tracks, its L2 penalty picked by an inner grouped
 * cross-validation of that fold's training tracks only), then the head trained on every confirmed
 * track with the penalty picked on all of them. The unconfirmed sample joins every training.
 */
export function runRetrain(input: RetrainInput, onProgress: (progress: RecipeProgress) => void = () => {}): RetrainOutput {
  const started = performance.now();
  const options = input.options ?? DEFAULT_HEAD_OPTIONS;
  const folds = validationFolds(input.examples, input.folds);
  const steps = folds + 1;
  const unconfirmed: HeadExample[] = input.unconfirmed.map((track) => ({ ...track, label: null }));
  const train = (examples: ConfirmedExample[], l2: number) =>
    trainHead([...examples, ...unconfirmed], input.labels, input.baseLabels, input.baseIndex, { ...options, l2 });
  const chooseL2 = (examples: ConfirmedExample[]) => (input.fixedL2 ? options.l2 : pickL2(examples, input.labels.length, options.seed, train));

  let validation: HeadValidation | null = null;
  let outOfFold: number[] | null = null;
  if (folds > 0) {
    const assignment = groupedFolds(input.examples, folds, options.seed, input.labels.length);
    const predicted = new Array<number>(input.examples.length).fill(-1);
    for (let fold = 0; fold < folds; fold++) {
      onProgress({ step: fold + 1, steps, message: `validating on held-out artists (fold ${fold + 1} of ${folds})` });
      const training = input.examples.filter((_, i) => assignment[i] !== fold);
      const { head } = train(training, chooseL2(training));
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
    outOfFold = predicted;
  }
  onProgress({ step: steps, steps, message: `training on ${input.examples.length} confirmed tracks` });
  const l2 = chooseL2(input.examples);
  const { head, epochLosses } = train(input.examples, l2);
  return { head, validation, outOfFold, l2, epochLosses, seconds: (performance.now() - started) / 1000 };
}

/**
 * The L2 penalty with the best grouped cross-validated accuracy on `examples` (ties: the larger
 * penalty, the head closer to the shipped model); the middle choice when they are too few to split.
 */
function pickL2(
  examples: ConfirmedExample[],
  classes: number,
  seed: number,
  train: (examples: ConfirmedExample[], l2: number) => { head: HeadParameters },
): number {
  const folds = validationFolds(examples, INNER_FOLDS);
  if (folds < 2) return L2_CHOICES[Math.floor(L2_CHOICES.length / 2)];
  const assignment = groupedFolds(examples, folds, seed, classes);
  let best = { l2: L2_CHOICES[0], correct: -1 };
  for (const l2 of L2_CHOICES) {
    let correct = 0;
    for (let fold = 0; fold < folds; fold++) {
      const { head } = train(
        examples.filter((_, i) => assignment[i] !== fold),
        l2,
      );
      examples.forEach((example, i) => {
        if (assignment[i] === fold && argMax(applyHead(head, example.embedding, example.baseProbabilities)) === example.label) correct++;
      });
    }
    if (correct >= best.correct) best = { l2, correct };
  }
  return best.l2;
}

function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
