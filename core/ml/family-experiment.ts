import type { TimeFrequency } from '../dsp/types.js';
import { predictLogisticBaseline, type LogisticBaseline } from './baseline.js';
import { applyTemperature, argMax, chooseUnsureThreshold, expectedCalibrationError, fitTemperature, topFamilyHitRate, type HitRate } from './calibration.js';
import type { FamilyDataset } from './family-dataset.js';
import { genreFamilies } from '../genres/tree.js';
import { fuseProbabilities } from './fusion.js';
import { predictEnsemble } from './inference.js';
import { classificationReport, type ClassificationReport } from './metrics.js';
import type { CnnLstmConfig, CnnLstmModel } from './model.js';
import { DEFAULT_SET_LOGISTIC_OPTIONS, trainSetLogistic, type SetLogisticOptions } from './set-logistic.js';
import { groupedFolds } from './splits.js';
import { DEFAULT_TRAIN_OPTIONS, trainCnnLstm, type EpochReport, type TrainOptions } from './train.js';
import { splitForValidation } from './experiment.js';
import type { FeatureCache } from './feature-cache.js';
import { fileLogMel, fileTrainingLogMel } from './features.js';
import { loadDatasetStatistics, loadTrainingStatistics } from './statistics.js';

/** One clip's features, as the family models read them. */
export interface FamilyItem {
  group: string;
  /** Indices of the clip's families (empty: none the model can hear; never trained on). */
  families: number[];
  /** The analysis excerpt's 518 statistics, and those of the training crops. */
  statistics: Float64Array;
  trainingStatistics: Float64Array[];
  /** Log-mels (analysis and training excerpts): needed only when the recipe has a network. */
  mel?: TimeFrequency;
  trainingMel?: TimeFrequency;
  /** A pretrained backbone's tags and embedding of the analysis excerpt, when one is installed. */
  backbone?: Float64Array;
  /** The backbone's tags mapped onto the families (teacherFamilies): soft targets for distillation. */
  teacher?: Float32Array;
}

/**
 * Every clip's features (through the cache): statistics always, log-mels when a network is trained,
 * backbone rows when `backbone` computes them.
 */
export async function loadFamilyItems(
  dataset: FamilyDataset,
  cache: FeatureCache | null,
  options: { mels: boolean; backbone?: (clip: FamilyDataset['clips'][number]) => Promise<{ row: Float64Array; teacher: Float32Array }> },
  onProgress?: (what: string, done: number, total: number) => void,
): Promise<FamilyItem[]> {
  const total = dataset.clips.length;
  const statistics = await loadDatasetStatistics(dataset, cache, (done) => onProgress?.('MIR statistics', done, total));
  // 30-s previews (the AllMusic layout) are their own analysis excerpt: one training crop of them is
  // the excerpt itself. Longer clips train on three excerpt-length crops (statistics.ts).
  const cropped = dataset.clips.filter((clip) => dataset.sources[clip.source].layout !== 'allmusic-metadata');
  const crops = await loadTrainingStatistics({ clips: cropped }, cache, (done) => onProgress?.('MIR statistics (training crops)', done, cropped.length));
  const cropsOf = new Map(cropped.map((clip, k) => [clip, crops[k]]));
  const items: FamilyItem[] = [];
  for (const [i, clip] of dataset.clips.entries()) {
    const item: FamilyItem = { group: clip.group, families: clip.families, statistics: statistics[i], trainingStatistics: cropsOf.get(clip) ?? [statistics[i]] };
    if (options.mels) {
      item.mel = await fileLogMel(clip.file, cache, clip.durationSec);
      item.trainingMel = await fileTrainingLogMel(clip.file, cache, clip.durationSec);
      onProgress?.('log-mel', i + 1, total);
    }
    if (options.backbone) {
      const { row, teacher } = await options.backbone(clip);
      item.backbone = row;
      item.teacher = teacher;
      onProgress?.('backbone', i + 1, total);
    }
    items.push(item);
  }
  return items;
}

/**
 * A tagger's tags mapped onto the families (each tag through the genre tree; a tag on several families
 * splits its probability, tags on none are dropped), normalised: the teacher's family distribution.
 */
export function teacherFamilies(tags: ArrayLike<number>, tagNames: readonly string[], familyIds: readonly string[]): Float32Array {
  const mass = new Float32Array(familyIds.length);
  tagNames.forEach((name, t) => {
    const ids = genreFamilies(name);
    for (const id of ids) {
      const c = familyIds.indexOf(id);
      if (c >= 0) mass[c] += tags[t] / ids.length;
    }
  });
  const total = mass.reduce((a, b) => a + b, 0);
  return total > 0 ? mass.map((value) => value / total) : mass.fill(1 / familyIds.length);
}

/** How the family models are trained and fused. */
export interface FamilyRecipe {
  /** The CNN-LSTM, trained on the label sets; null: the statistics head alone. */
  network: { train: TrainOptions; config: Omit<CnnLstmConfig, 'labels'> } | null;
  statistics: SetLogisticOptions;
  /** The statistics' share of the default's fusion with the network. */
  statisticsWeight: number;
  /** A head on the backbone's features, and its share of the fusion with the default. */
  backbone: { options: SetLogisticOptions; weight: number } | null;
  /**
   * Distillation: the statistics head also learns the teacher's family distribution (items' `teacher`),
   * with this share of its loss; 0 or absent: from the labels alone.
   */
  distillation?: number;
}

/** The network's training on family sets: as the 4-genre recipe, with the classes' balance softened (the hit rate counts every clip). */
export const FAMILY_TRAIN_OPTIONS: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, classBalance: 0.5 };

/** The backbone head's share of its fusion with the default: an even split, fixed before measuring. */
export const DEFAULT_BACKBONE_WEIGHT = 0.5;

export const DEFAULT_FAMILY_RECIPE: FamilyRecipe = {
  network: null,
  statistics: DEFAULT_SET_LOGISTIC_OPTIONS,
  statisticsWeight: 0.5,
  backbone: null,
};

export interface FamilyModels {
  network: CnnLstmModel | null;
  statisticsHead: LogisticBaseline;
  backboneHead: LogisticBaseline | null;
}

/** Model names in reports, and what each fuses. */
export type FamilyModelName = 'network' | 'statistics' | 'default' | 'backbone' | 'withBackbone';

export type FamilyPredictions = Partial<Record<FamilyModelName, Float32Array[]>>;

/** Trains the recipe's models on the items that have at least one family. */
export async function trainFamilyModels(
  items: readonly FamilyItem[],
  labels: readonly string[],
  recipe: FamilyRecipe,
  onEpoch?: (report: EpochReport) => void,
): Promise<FamilyModels & { bestEpoch: number | null }> {
  const labelled = items.filter((item) => item.families.length > 0);
  const rows = labelled.flatMap((item) => item.trainingStatistics);
  const rowSets = labelled.flatMap((item) => item.trainingStatistics.map(() => item.families));
  let statisticsOptions = recipe.statistics;
  if (recipe.distillation) {
    if (labelled.some((item) => !item.teacher)) throw new Error('distillation needs the teacher\'s families of every clip');
    const targets = labelled.flatMap((item) => item.trainingStatistics.map(() => item.teacher!));
    statisticsOptions = { ...recipe.statistics, soft: { targets, weight: recipe.distillation } };
  }
  const statisticsHead = trainSetLogistic(rows, rowSets, labels.length, statisticsOptions);
  let backboneHead: LogisticBaseline | null = null;
  if (recipe.backbone) {
    if (labelled.some((item) => !item.backbone)) throw new Error('the backbone head needs backbone features of every clip');
    backboneHead = trainSetLogistic(labelled.map((item) => item.backbone!), labelled.map((item) => item.families), labels.length, recipe.backbone.options);
  }
  let network: CnnLstmModel | null = null;
  let bestEpoch: number | null = null;
  if (recipe.network) {
    if (labelled.some((item) => !item.mel || !item.trainingMel)) throw new Error('the network needs the log-mels of every clip');
    const withLabels = labelled.map((item) => ({ ...item, label: item.families[0] }));
    const { train, validation } = splitForValidation(withLabels, labels.length, recipe.network.train.seed);
    const result = await trainCnnLstm(
      { ...recipe.network.config, labels: [...labels] },
      train.map((item) => ({ mel: item.trainingMel!, label: item.label, families: item.families })),
      validation.map((item) => ({ mel: item.mel!, label: item.label, families: item.families })),
      recipe.network.train,
      onEpoch,
    );
    network = result.model;
    bestEpoch = result.bestEpoch;
  }
  return { network, statisticsHead, backboneHead, bestEpoch };
}

/** Every model's probabilities for `items`, and their fusions. */
export function predictFamilies(models: FamilyModels, items: readonly FamilyItem[], recipe: FamilyRecipe): FamilyPredictions {
  const statistics = predictLogisticBaseline(models.statisticsHead, items.map((item) => item.statistics));
  const network = models.network ? items.map((item) => predictEnsemble([models.network!], item.mel!).probabilities) : null;
  const defaults = network ? network.map((row, i) => fuseProbabilities(row, statistics[i], recipe.statisticsWeight)) : statistics;
  // Without a network the default is the statistics head: reported once.
  const predictions: FamilyPredictions = network ? { network, statistics, default: defaults } : { default: defaults };
  if (models.backboneHead && recipe.backbone) {
    const backbone = predictLogisticBaseline(models.backboneHead, items.map((item) => item.backbone!));
    predictions.backbone = backbone;
    predictions.withBackbone = backbone.map((row, i) => fuseProbabilities(defaults[i], row, recipe.backbone!.weight));
  }
  return predictions;
}

export interface FamilyCrossValidation {
  folds: number;
  seed: number;
  /** Each item's fold. */
  assignment: number[];
  /** Out-of-fold probabilities of each model, in item order. */
  predictions: FamilyPredictions;
  bestEpochs: number[];
  trainSeconds: number;
}

/**
 * Group k-fold cross-validation of the family recipe: groups (artists; a soundtrack's package) never
 * straddle a split. Folds are balanced by each clip's first family.
 */
export async function crossValidateFamilies(
  items: readonly FamilyItem[],
  labels: readonly string[],
  folds: number,
  seed: number,
  recipe: FamilyRecipe,
  hooks: { onFold?: (fold: number, seconds: number) => void; onEpoch?: (fold: number, report: EpochReport) => void } = {},
): Promise<FamilyCrossValidation> {
  const stratified = items.map((item) => ({ group: item.group, label: item.families[0] ?? labels.length }));
  const assignment = groupedFolds(stratified, folds, seed, labels.length + 1);
  const predictions: FamilyPredictions = {};
  const bestEpochs: number[] = [];
  let trainSeconds = 0;
  for (let fold = 0; fold < folds; fold++) {
    const started = performance.now();
    const train = items.filter((_, i) => assignment[i] !== fold);
    const testIndices = items.map((_, i) => i).filter((i) => assignment[i] === fold);
    const foldRecipe = recipe.network ? { ...recipe, network: { ...recipe.network, train: { ...recipe.network.train, seed: seed + 1000 * (fold + 1) } } } : recipe;
    const models = await trainFamilyModels(train, labels, foldRecipe, (report) => hooks.onEpoch?.(fold, report));
    if (models.bestEpoch !== null) bestEpochs.push(models.bestEpoch);
    const foldPredictions = predictFamilies(models, testIndices.map((i) => items[i]), recipe);
    models.network?.dispose();
    for (const [name, rows] of Object.entries(foldPredictions) as Array<[FamilyModelName, Float32Array[]]>) {
      const all = (predictions[name] ??= new Array<Float32Array>(items.length));
      testIndices.forEach((i, k) => (all[i] = rows[k]));
    }
    const seconds = (performance.now() - started) / 1000;
    trainSeconds += seconds;
    hooks.onFold?.(fold, seconds);
  }
  return { folds, seed, assignment, predictions, bestEpochs, trainSeconds };
}

export interface CalibratedFold {
  temperature: number;
  threshold: number;
}

export interface FamilyModelReport {
  /** Top-family hit rate over every clip with a family, uncalibrated (calibration keeps the ranking). */
  hitRate: HitRate;
  /** Expected calibration error on held-out artists, before and after temperature scaling. */
  ece: { raw: number; calibrated: number };
  /**
   * Calibration and the unsure threshold, each fold's fitted on the other folds' out-of-fold
   * predictions only: what applying them to unheard artists gives.
   */
  perFold: CalibratedFold[];
  /** Of clips with a family: the share left unsure, and the hit rate of those named. */
  unsureShare: number;
  namedHitRate: number;
  /** Fitted on every clip's out-of-fold predictions: what a model trained on all of them ships. */
  shipped: { temperature: number; threshold: number; namedShare: number; namedHitRate: number };
  sources: Array<{
    root: string;
    clips: number;
    hitRate: HitRate;
    /** Single-label sources: accuracy, kappa over the source's own genres (the top among their families). */
    withinGenres?: ClassificationReport;
    /** Single-label sources: the share whose top family over the whole tree is theirs. */
    strictAccuracy?: number;
    /** One-family folders: the share that comes out that family or unsure. */
    familyOrUnsure?: number;
    unsureShare: number;
  }>;
  /** Per family: clips with it among their families, and of those, how many have their top family in their set. */
  perFamily: Record<string, { clips: number; hits: number }>;
}

/** Reports one model's out-of-fold probabilities over the dataset. */
export function reportFamilyModel(dataset: FamilyDataset, probabilities: readonly Float32Array[], assignment: readonly number[], folds: number): FamilyModelReport {
  const sets = dataset.clips.map((clip) => clip.families);
  const perFold: CalibratedFold[] = [];
  const calibrated: Float32Array[] = new Array(probabilities.length);
  const thresholds = new Array<number>(probabilities.length);
  for (let fold = 0; fold < folds; fold++) {
    const others = probabilities.map((_, i) => i).filter((i) => assignment[i] !== fold);
    const temperature = fitTemperature(others.map((i) => probabilities[i]), others.map((i) => sets[i]));
    const threshold = chooseUnsureThreshold(others.map((i) => applyTemperature(probabilities[i], temperature)), others.map((i) => sets[i])).threshold;
    perFold.push({ temperature, threshold });
    probabilities.forEach((row, i) => {
      if (assignment[i] !== fold) return;
      calibrated[i] = applyTemperature(row, temperature);
      thresholds[i] = threshold;
    });
  }
  const named = (i: number) => Math.max(...Array.from(calibrated[i])) >= thresholds[i];
  const withFamily = sets.map((set, i) => i).filter((i) => sets[i].length > 0);
  const namedClips = withFamily.filter(named);
  const shippedTemperature = fitTemperature(probabilities, sets);
  const shippedChoice = chooseUnsureThreshold(probabilities.map((row) => applyTemperature(row, shippedTemperature)), sets);
  const perFamily: Record<string, { clips: number; hits: number }> = {};
  dataset.labels.forEach((label, c) => {
    const clips = withFamily.filter((i) => sets[i].includes(c));
    if (clips.length) perFamily[label] = { clips: clips.length, hits: clips.filter((i) => sets[i].includes(argMax(probabilities[i]))).length };
  });
  return {
    hitRate: topFamilyHitRate(probabilities, sets),
    ece: { raw: expectedCalibrationError(probabilities, sets), calibrated: expectedCalibrationError(calibrated, sets) },
    perFold,
    unsureShare: withFamily.length ? 1 - namedClips.length / withFamily.length : 0,
    namedHitRate: namedClips.length ? namedClips.filter((i) => sets[i].includes(argMax(probabilities[i]))).length / namedClips.length : 0,
    shipped: { temperature: shippedTemperature, threshold: shippedChoice.threshold, namedShare: shippedChoice.namedShare, namedHitRate: shippedChoice.namedHitRate },
    sources: dataset.sources.map((source, s) => {
      const indices = dataset.clips.map((_, i) => i).filter((i) => dataset.clips[i].source === s);
      const report: FamilyModelReport['sources'][number] = {
        root: source.root,
        clips: indices.length,
        hitRate: topFamilyHitRate(indices.map((i) => probabilities[i]), indices.map((i) => sets[i])),
        unsureShare: indices.length ? indices.filter((i) => !named(i)).length / indices.length : 0,
      };
      if (source.singleLabel && source.genres) {
        const genreFamily = source.genres.map((genre) => dataset.clips.find((clip) => clip.label === genre && clip.source === s)?.families[0] ?? -1);
        if (genreFamily.every((family) => family >= 0) && new Set(genreFamily).size === genreFamily.length) {
          const truth = indices.map((i) => source.genres!.indexOf(dataset.clips[i].label));
          const predicted = indices.map((i) => argMax(genreFamily.map((family) => probabilities[i][family])));
          if (source.genres.length > 1) report.withinGenres = classificationReport(truth, predicted, source.genres);
          report.strictAccuracy = indices.filter((i) => argMax(probabilities[i]) === dataset.clips[i].families[0]).length / (indices.length || 1);
        }
        if (source.layout === 'family-folders') {
          report.familyOrUnsure = indices.filter((i) => !named(i) || argMax(probabilities[i]) === dataset.clips[i].families[0]).length / (indices.length || 1);
        }
      }
      return report;
    }),
    perFamily,
  };
}
