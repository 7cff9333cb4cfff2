import type { TimeFrequency } from '../dsp/types.js';
import { trainLogisticBaseline, predictLogisticBaseline, type LogisticBaseline } from './baseline.js';
import type { LabelledDataset } from './dataset.js';
import { FeatureCache } from './feature-cache.js';
import { chooseStatisticsWeight, DEFAULT_STATISTICS_WEIGHT, fuseProbabilities, type StatisticsWeightChoice } from './fusion.js';
import { fileLogMel, fileTrainingLogMel } from './features.js';
import { predictEnsemble } from './inference.js';
import { classificationReport, type ClassificationReport } from './metrics.js';
import { DEFAULT_CONFIG, type CnnLstmConfig } from './model.js';
import { groupedFolds } from './splits.js';
import { argMax, DEFAULT_TRAIN_OPTIONS, trainCnnLstm, type EpochReport, type TrainOptions, type TrainResult } from './train.js';

export interface DatasetItem {
  file: string;
  label: number;
  group: string;
  /** The analysis excerpt's log-mel: what the scan feeds the model, so what evaluation tests. */
  mel: TimeFrequency;
  /** The longer training excerpt's (features.ts trainingWindows): what the network trains on. */
  trainingMel: TimeFrequency;
}

/** The analysis excerpt's log-mel of every clip: all that testing a trained model needs. */
export async function loadAnalysisMels(
  dataset: LabelledDataset,
  cache: FeatureCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<TimeFrequency[]> {
  const mels: TimeFrequency[] = [];
  for (const clip of dataset.clips) {
    mels.push(await fileLogMel(clip.file, cache, clip.durationSec));
    onProgress?.(mels.length, dataset.clips.length);
  }
  return mels;
}

/** Both log-mels of every clip of a dataset (decoded once, then read from the cache). */
export async function loadDatasetMels(
  dataset: LabelledDataset,
  cache: FeatureCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<DatasetItem[]> {
  const items: DatasetItem[] = [];
  for (const clip of dataset.clips) {
    items.push({
      file: clip.file,
      label: dataset.labels.indexOf(clip.label),
      group: clip.group,
      mel: await fileLogMel(clip.file, cache, clip.durationSec),
      trainingMel: await fileTrainingLogMel(clip.file, cache, clip.durationSec),
    });
    onProgress?.(items.length, dataset.clips.length);
  }
  return items;
}

/** Share of training groups (artists) held out for early stopping: one of this many inner folds. */
const VALIDATION_FOLDS = 6;

/** Splits training items into train and validation by group (artist), balanced by label. */
export function splitForValidation<T extends { label: number; group: string }>(items: T[], classes: number, seed: number): { train: T[]; validation: T[] } {
  const folds = groupedFolds(items, VALIDATION_FOLDS, seed, classes);
  return { train: items.filter((_, i) => folds[i] !== 0), validation: items.filter((_, i) => folds[i] === 0) };
}

/**
 * Trains the CNN-LSTM recipe on `items` (validation split by artist inside). The network trains on
 * random windows of the training excerpts and early-stops on the validation clips' analysis
 * excerpts, the audio it will classify.
 */
export async function trainRecipe(
  items: DatasetItem[],
  labels: string[],
  options: TrainOptions,
  onEpoch?: (report: EpochReport) => void,
  config: Omit<CnnLstmConfig, 'labels'> = DEFAULT_CONFIG,
): Promise<TrainResult & { trainCount: number; validationCount: number }> {
  const { train, validation } = splitForValidation(items, labels.length, options.seed);
  const result = await trainCnnLstm(
    { ...config, labels },
    train.map((item) => ({ mel: item.trainingMel, label: item.label })),
    validation,
    options,
    onEpoch,
  );
  return { ...result, trainCount: train.length, validationCount: validation.length };
}

/**
 * Networks in the shipped recipe. An ensemble of 3 (each holding out different artists for early
 * stopping) gained under 2 points of CV accuracy here for 3× the classification cost, so the
 * default is one network; `--members` trains ensembles.
 */
export const DEFAULT_MEMBERS = 1;

/**
 * Trains `members` networks on the same items with different seeds, so each draws different
 * initial weights, windows, augmentations and validation artists; their outputs are averaged.
 */
export async function trainEnsemble(
  items: DatasetItem[],
  labels: string[],
  options: TrainOptions,
  members: number,
  onEpoch?: (member: number, report: EpochReport) => void,
  config: Omit<CnnLstmConfig, 'labels'> = DEFAULT_CONFIG,
): Promise<Array<TrainResult & { trainCount: number; validationCount: number }>> {
  const results = [];
  for (let member = 0; member < members; member++) {
    results.push(await trainRecipe(items, labels, { ...options, seed: options.seed + 7919 * member }, (report) => onEpoch?.(member, report), config));
  }
  return results;
}

/** The statistics of a split's items: the analysis excerpt's, tested on, and each item's training rows. */
interface SplitStatistics {
  excerpt: Float64Array[];
  trainingRows: (i: number) => Float64Array[];
}

interface SplitPredictions {
  /** The network's probabilities for each test item, in `testIndices` order. */
  network: Float32Array[];
  /** The statistics regression's, where statistics were given. */
  statistics: Float32Array[] | null;
  bestEpochs: number[];
  /** Time spent training the networks. */
  trainSeconds: number;
}

/**
 * One split of a cross-validation, outer or inner: trains the network recipe (and the statistics
 * regression, given statistics) on `trainIndices` of `items` and predicts the analysis excerpts of
 * `testIndices`.
 */
async function trainAndPredictSplit(
  items: DatasetItem[],
  labels: string[],
  trainIndices: number[],
  testIndices: number[],
  statistics: SplitStatistics | null,
  recipe: { train: TrainOptions; members: number; onEpoch?: (member: number, report: EpochReport) => void; config?: Omit<CnnLstmConfig, 'labels'> },
): Promise<SplitPredictions> {
  const started = performance.now();
  const results = await trainEnsemble(trainIndices.map((i) => items[i]), labels, recipe.train, recipe.members, recipe.onEpoch, recipe.config);
  const trainSeconds = (performance.now() - started) / 1000;
  const networks = results.map((result) => result.model);
  const network = testIndices.map((i) => predictEnsemble(networks, items[i].mel).probabilities);
  for (const model of networks) model.dispose();
  const regression = statistics
    ? predictLogisticBaseline(
        trainStatisticsBaseline(trainIndices.map(statistics.trainingRows), trainIndices.map((i) => items[i].label), labels.length),
        testIndices.map((i) => statistics.excerpt[i]),
      )
    : null;
  return { network, statistics: regression, bestEpochs: results.map((result) => result.bestEpoch), trainSeconds };
}

/** Inner folds of the nested cross-validation that chooses the statistics weight. */
export const DEFAULT_INNER_FOLDS = 3;

/**
 * Artists a dataset needs for the nested choice: each inner training set (two thirds of them) must
 * still hold out a sixth of its artists for early stopping, with a few to spare.
 */
export const MIN_GROUPS_FOR_WEIGHT_CHOICE = 3 * VALIDATION_FOLDS;

export interface WeightSelectionOptions {
  innerFolds: number;
  /** Ensemble members of each inner network, as in the recipe being chosen for. */
  members: number;
  train: TrainOptions;
  onEpoch?: (innerFold: number, member: number, report: EpochReport) => void;
  /** The networks' architecture (default: the shipped one). */
  config?: Omit<CnnLstmConfig, 'labels'>;
}

/** Held-out (inner out-of-fold) probabilities of both models, per clip: what the weight was chosen on. */
export interface HeldOutPredictions {
  truth: number[];
  network: number[][];
  statistics: number[][];
}

export type StatisticsWeightSelection = StatisticsWeightChoice & { innerFolds: number; epochsPerInnerFold: number[][]; seconds: number; heldOut: HeldOutPredictions };

/**
 * Chooses the statistics' share of the fusion using only `items` (a training set): an inner
 * artist-grouped k-fold trains the network recipe and the statistics regression on each inner
 * training part and predicts the held-out artists' analysis excerpts; the weight whose fusion of
 * these out-of-fold predictions scores best (chooseStatisticsWeight) is chosen. `statistics` are
 * the items' analysis-excerpt statistics, `trainingStatistics` their training crops.
 */
export async function selectStatisticsWeight(
  items: DatasetItem[],
  statistics: Float64Array[],
  trainingStatistics: Float64Array[][],
  labels: string[],
  options: WeightSelectionOptions,
): Promise<StatisticsWeightSelection> {
  if (statistics.length !== items.length || trainingStatistics.length !== items.length) throw new Error('statistics for every item expected');
  const started = performance.now();
  const seed = options.train.seed;
  const assignment = groupedFolds(items, options.innerFolds, seed, labels.length);
  const network: Float32Array[] = [];
  const regression: Float32Array[] = [];
  const truth: number[] = [];
  const epochsPerInnerFold: number[][] = [];
  for (let fold = 0; fold < options.innerFolds; fold++) {
    const trainIndices = items.map((_, i) => i).filter((i) => assignment[i] !== fold);
    const heldOut = items.map((_, i) => i).filter((i) => assignment[i] === fold);
    const split = await trainAndPredictSplit(items, labels, trainIndices, heldOut, { excerpt: statistics, trainingRows: (i) => trainingStatistics[i] }, {
      train: { ...options.train, seed: seed + 101 * (fold + 1) },
      members: options.members,
      onEpoch: (member, report) => options.onEpoch?.(fold, member, report),
      config: options.config,
    });
    epochsPerInnerFold.push(split.bestEpochs);
    network.push(...split.network);
    regression.push(...split.statistics!);
    truth.push(...heldOut.map((i) => items[i].label));
  }
  const choice = chooseStatisticsWeight(network, regression, truth);
  const heldOut = { truth, network: network.map((row) => Array.from(row)), statistics: regression.map((row) => Array.from(row)) };
  return { ...choice, innerFolds: options.innerFolds, epochsPerInnerFold, seconds: (performance.now() - started) / 1000, heldOut };
}

export interface CrossValidationReport {
  folds: number;
  groupedBy: 'artist' | 'clip';
  seed: number;
  cnnLstm: ClassificationReport & { members: number; foldAccuracies: number[]; epochsPerFold: number[][]; trainSeconds: number };
  baseline?: ClassificationReport & { foldAccuracies: number[]; features: string };
  /** The shipped recipe: the CNN-LSTM and the baseline of the same fold, fused (see fusion.ts). */
  fused?: ClassificationReport & {
    foldAccuracies: number[];
    /** The statistics weight each fold fused with: fixed, or chosen inside its training set. */
    statisticsWeights: number[];
    weightChoice: 'fixed' | 'nested cross-validation';
    /** Per fold, how the nested choice scored each weight, and its cost. */
    weightSelections?: Array<Omit<StatisticsWeightSelection, 'weight' | 'heldOut'>>;
  };
  /** With the nested choice: the same networks and regressions fused at the even split, for comparison. */
  fusedEvenSplit?: ClassificationReport & { foldAccuracies: number[] };
  /** Every clip's out-of-fold probabilities, for studying the fusion without retraining. */
  predictions: Array<{ file: string; truth: number; fold: number; cnnLstm: number[]; baseline: number[] | null }>;
  /** With the nested choice: per outer fold, the inner held-out probabilities its weight was chosen on. */
  weightChoicePredictions?: HeldOutPredictions[];
}

export interface CrossValidationOptions {
  folds: number;
  /** Ensemble members per fold (the shipped recipe's count, for an honest estimate of it). */
  members: number;
  train: TrainOptions;
  /** The 518 MIR statistics of each item's analysis excerpt: what the baseline and the fusion are tested on; absent: the CNN-LSTM alone. */
  statistics?: Float64Array[];
  /** Rows to train the baseline on, per item (statistics.ts loadTrainingStatistics); absent: `statistics`. */
  trainingStatistics?: Float64Array[][];
  /** A fixed statistics share of the fused prediction; absent: chosen per fold by nested CV on its training artists (selectStatisticsWeight). */
  statisticsWeight?: number;
  /** Inner folds of that choice (default DEFAULT_INNER_FOLDS). */
  innerFolds?: number;
  onEpoch?: (fold: number, member: number, report: EpochReport) => void;
  onInnerEpoch?: (fold: number, innerFold: number, member: number, report: EpochReport) => void;
  onWeightChosen?: (fold: number, selection: StatisticsWeightSelection) => void;
  onFold?: (fold: number, model: 'CNN-LSTM' | 'baseline' | 'fused', accuracy: number) => void;
}

type FoldModel = 'cnnLstm' | 'baseline' | 'fused' | 'fusedEvenSplit';

/**
 * Group k-fold cross-validation (artists never straddle train and test) of the CNN-LSTM recipe,
 * of the MIR-statistics baseline on the very same splits, and of the two fused. Predictions of all
 * folds are pooled into one report per model.
 */
export async function crossValidate(
  items: DatasetItem[],
  labels: string[],
  groupedByArtist: boolean,
  options: CrossValidationOptions,
): Promise<CrossValidationReport> {
  const seed = options.train.seed;
  const { statistics } = options;
  const nested = options.statisticsWeight === undefined;
  if (statistics && statistics.length !== items.length) throw new Error('one statistics row per item expected');
  if (options.trainingStatistics && options.trainingStatistics.length !== items.length) throw new Error('training statistics for every item expected');
  const trainingRows = (i: number): Float64Array[] => options.trainingStatistics?.[i] ?? [statistics![i]];
  const assignment = groupedFolds(items, options.folds, seed, labels.length);
  const truth: number[] = [];
  const models: FoldModel[] = statistics ? ['cnnLstm', 'baseline', 'fused', ...(nested ? (['fusedEvenSplit'] as const) : [])] : ['cnnLstm'];
  const predicted: Record<FoldModel, number[]> = { cnnLstm: [], baseline: [], fused: [], fusedEvenSplit: [] };
  const foldAccuracies: Record<FoldModel, number[]> = { cnnLstm: [], baseline: [], fused: [], fusedEvenSplit: [] };
  const statisticsWeights: number[] = [];
  const weightSelections: Array<Omit<StatisticsWeightSelection, 'weight' | 'heldOut'>> = [];
  const weightChoicePredictions: HeldOutPredictions[] = [];
  const predictions: CrossValidationReport['predictions'] = [];
  const epochsPerFold: number[][] = [];
  let trainSeconds = 0;
  for (let fold = 0; fold < options.folds; fold++) {
    const trainIndices = items.map((_, i) => i).filter((i) => assignment[i] !== fold);
    const testIndices = items.map((_, i) => i).filter((i) => assignment[i] === fold);
    const foldSeed = seed + 1000 * (fold + 1);
    const split = await trainAndPredictSplit(items, labels, trainIndices, testIndices, statistics ? { excerpt: statistics, trainingRows } : null, {
      train: { ...options.train, seed: foldSeed },
      members: options.members,
      onEpoch: (member, report) => options.onEpoch?.(fold, member, report),
    });
    trainSeconds += split.trainSeconds;
    epochsPerFold.push(split.bestEpochs);
    const { network, statistics: baseline } = split;
    let statisticsWeight = options.statisticsWeight ?? DEFAULT_STATISTICS_WEIGHT;
    if (statistics && nested) {
      const { weight, heldOut, ...selection } = await selectStatisticsWeight(
        trainIndices.map((i) => items[i]),
        trainIndices.map((i) => statistics[i]),
        trainIndices.map(trainingRows),
        labels,
        {
          innerFolds: options.innerFolds ?? DEFAULT_INNER_FOLDS,
          members: options.members,
          train: { ...options.train, seed: foldSeed },
          onEpoch: (innerFold, member, report) => options.onInnerEpoch?.(fold, innerFold, member, report),
        },
      );
      statisticsWeight = weight;
      weightSelections.push(selection);
      weightChoicePredictions.push(heldOut);
      options.onWeightChosen?.(fold, { weight, heldOut, ...selection });
    }
    statisticsWeights.push(statisticsWeight);
    const correct: Record<FoldModel, number> = { cnnLstm: 0, baseline: 0, fused: 0, fusedEvenSplit: 0 };
    testIndices.forEach((i, k) => {
      const label = items[i].label;
      truth.push(label);
      const guesses: Record<FoldModel, number> = { cnnLstm: argMax(network[k]), baseline: -1, fused: -1, fusedEvenSplit: -1 };
      if (baseline) {
        guesses.baseline = argMax(baseline[k]);
        guesses.fused = argMax(fuseProbabilities(network[k], baseline[k], statisticsWeight));
        guesses.fusedEvenSplit = argMax(fuseProbabilities(network[k], baseline[k], DEFAULT_STATISTICS_WEIGHT));
      }
      for (const model of models) {
        predicted[model].push(guesses[model]);
        if (guesses[model] === label) correct[model]++;
      }
      predictions.push({ file: items[i].file, truth: label, fold, cnnLstm: Array.from(network[k]), baseline: baseline ? Array.from(baseline[k]) : null });
    });
    for (const model of models) {
      foldAccuracies[model].push(correct[model] / testIndices.length);
      if (model !== 'fusedEvenSplit') options.onFold?.(fold, model === 'cnnLstm' ? 'CNN-LSTM' : model, correct[model] / testIndices.length);
    }
  }
  const report = (model: FoldModel) => ({ ...classificationReport(truth, predicted[model], labels), foldAccuracies: foldAccuracies[model] });
  return {
    folds: options.folds,
    groupedBy: groupedByArtist ? 'artist' : 'clip',
    seed,
    cnnLstm: { ...report('cnnLstm'), members: options.members, epochsPerFold, trainSeconds },
    baseline: statistics ? { ...report('baseline'), features: 'FMA 518 statistics, standardised; logistic regression' } : undefined,
    fused: statistics
      ? {
          ...report('fused'),
          statisticsWeights,
          weightChoice: nested ? 'nested cross-validation' : 'fixed',
          weightSelections: nested ? weightSelections : undefined,
        }
      : undefined,
    fusedEvenSplit: statistics && nested ? report('fusedEvenSplit') : undefined,
    predictions,
    weightChoicePredictions: statistics && nested ? weightChoicePredictions : undefined,
  };
}

/** The statistics head's regression, trained on every row of every clip (e.g. its training crops). */
export function trainStatisticsBaseline(rowsPerClip: Float64Array[][], labels: number[], classes: number): LogisticBaseline {
  return trainLogisticBaseline(
    rowsPerClip.flat(),
    rowsPerClip.flatMap((rows, i) => rows.map(() => labels[i])),
    classes,
  );
}

export { DEFAULT_TRAIN_OPTIONS };
