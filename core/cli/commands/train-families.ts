import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyTemperature, chooseUnsureThreshold, fitTemperature } from '../../ml/calibration.js';
import { readFamilyDataset, type FamilySourceSpec } from '../../ml/family-dataset.js';
import { DEFAULT_BACKBONE_WEIGHT, DEFAULT_FAMILY_RECIPE, loadFamilyItems, teacherFamilies, trainFamilyModels, type FamilyModelName, type FamilyRecipe } from '../../ml/family-experiment.js';
import type { FamilyDataset } from '../../ml/family-dataset.js';
import { GENRE_FAMILIES } from '../../genres/tree.js';
import { scanPatchLimit, type Backbone } from '../../ml/pretrained/backbone.js';
import { fileBackboneFeatures } from '../../ml/pretrained/dataset-features.js';
import { DEFAULT_SET_LOGISTIC_OPTIONS } from '../../ml/set-logistic.js';
import type { FeatureCache } from '../../ml/feature-cache.js';
import { backboneHeadFrom, backboneRow, familyHeadFrom } from '../../ml/heads.js';
import { ANALYSIS_INPUT_SPEC } from '../../ml/input-spec.js';
import { defaultModelsDirectory, loadRegisteredModel, registerModel, writeModelFolder } from '../../ml/registry.js';

export interface FamilyTrainOptions {
  specs: FamilySourceSpec[];
  cache: FeatureCache | null;
  /** The registered model whose networks give the timeline and the embedding. */
  networkFrom: string;
  /** `timbre eval --predictions` output of the same recipe on the same data: what calibration and the threshold are fitted on. */
  calibrateOn: string;
  id: string;
  version: string;
  out: string;
  register: boolean;
  makeDefault: boolean;
  backend: string;
  /** The installed backbone: the teacher for `distillation`, and with `backboneHead` the head's input. */
  backbone: Backbone | null;
  backboneHead: boolean;
  /** The teacher's share of the statistics head's loss (0: labels alone). */
  distillation: number;
}

/**
 * Trains the default model's family head on every clip of the datasets, keeps a registered model's
 * networks for the timeline and the embedding, and takes the temperature and the unsure threshold
 * from out-of-fold predictions of the same recipe (clips whose artists the predicting model never
 * heard), so neither is fitted on what the head trained on.
 */
export async function trainFamilies(options: FamilyTrainOptions): Promise<number> {
  const started = performance.now();
  const dataset = await readFamilyDataset(options.specs);
  const labelled = dataset.clips.filter((clip) => clip.families.length > 0).length;
  console.error(`${dataset.clips.length} clips (${labelled} with a family) from ${dataset.sources.map((source) => path.basename(source.root)).join(', ')}`);
  const calibration = await calibrationFrom(options.calibrateOn, dataset.clips.map((clip) => clip.file), dataset.clips.map((clip) => clip.families), 'default');
  console.error(`calibration from ${calibration.clips} out-of-fold predictions (${calibration.runs} fold seeds): temperature ${calibration.temperature.toFixed(3)}, unsure threshold ${calibration.threshold} (named ${(100 * calibration.namedShare).toFixed(0)} %, right ${calibration.namedHitRate.toFixed(3)})`);
  const backbone = options.backbone;
  const withBackbone = backbone && options.backboneHead ? await calibrationFrom(options.calibrateOn, dataset.clips.map((clip) => clip.file), dataset.clips.map((clip) => clip.families), 'withBackbone') : null;
  if (withBackbone) console.error(`with the backbone: temperature ${withBackbone.temperature.toFixed(3)}, unsure threshold ${withBackbone.threshold} (named ${(100 * withBackbone.namedShare).toFixed(0)} %, right ${withBackbone.namedHitRate.toFixed(3)})`);
  const familyIds = GENRE_FAMILIES.map((family) => family.id);
  const backboneFeatures = backbone
    ? async (clip: FamilyDataset['clips'][number]) => {
        const features = await fileBackboneFeatures(clip.file, backbone, options.cache, clip.durationSec, { maxPatches: scanPatchLimit() });
        return { row: backboneRow(features.tags, features.embedding), teacher: teacherFamilies(features.tags, backbone.entry.tags, familyIds) };
      }
    : undefined;
  const items = await loadFamilyItems(dataset, options.cache, { mels: false, backbone: backboneFeatures }, (what, done, total) => {
    if (done % 50 === 0 || done === total) console.error(`${what} ${done}/${total}`);
  });
  const featureSeconds = (performance.now() - started) / 1000;
  const recipe: FamilyRecipe = {
    ...DEFAULT_FAMILY_RECIPE,
    backbone: withBackbone ? { options: DEFAULT_SET_LOGISTIC_OPTIONS, weight: DEFAULT_BACKBONE_WEIGHT } : null,
    distillation: options.distillation,
  };
  const models = await trainFamilyModels(items, dataset.labels, recipe);
  const { entry, definition: base, members } = await loadRegisteredModel(options.networkFrom);
  const familyHead = familyHeadFrom(models.statisticsHead, dataset.labels, items.filter((item) => item.families.length).map((item) => item.statistics));
  const trainSeconds = (performance.now() - started) / 1000 - featureSeconds;
  await writeModelFolder(options.out, members, {
    id: options.id,
    version: options.version,
    inputSpec: ANALYSIS_INPUT_SPEC,
    familyHead,
    backboneHead:
      backbone && models.backboneHead && withBackbone
        ? backboneHeadFrom(models.backboneHead, {
            backbone: backbone.modelId,
            tags: backbone.entry.tags.length,
            embedding: backbone.entry.embeddingSize,
            weight: DEFAULT_BACKBONE_WEIGHT,
            temperature: withBackbone.temperature,
            unsureThreshold: withBackbone.threshold,
          })
        : undefined,
    temperature: calibration.temperature,
    unsureThreshold: calibration.threshold,
    training: {
      data: dataset.sources.map((source) => ({ folder: path.basename(source.root), layout: source.layout })),
      clips: dataset.clips.length,
      clipsWithFamily: labelled,
      familyHead: {
        features: 'fma518',
        model: 'logistic regression on label sets (core/ml/set-logistic.ts): −log of the probability of the clip\'s families',
        options: recipe.statistics,
        rows: items.reduce((sum, item) => sum + (item.families.length ? item.trainingStatistics.length : 0), 0),
        distillation: options.distillation ? { teacher: backbone?.modelId, share: options.distillation, targets: 'the teacher\'s tags mapped onto the families through the genre tree' } : null,
      },
      backboneHead: withBackbone && backbone ? { backbone: backbone.modelId, features: `tags then embedding, mean over ${scanPatchLimit() ?? 'every'} evenly spread patch(es) of the analysis excerpt, as a scan computes them`, weight: DEFAULT_BACKBONE_WEIGHT, calibration: withBackbone } : null,
      network: { from: `${entry.id} ${entry.version}`, labels: base.config.labels, use: 'timeline and embedding' },
      calibration: {
        method: 'temperature and unsure threshold fitted on out-of-fold predictions of artist-grouped cross-validation (timbre eval --predictions)',
        runs: calibration.runs,
        clips: calibration.clips,
        namedShare: calibration.namedShare,
        namedHitRate: calibration.namedHitRate,
      },
      backend: options.backend,
      featureSeconds: Math.round(featureSeconds),
      trainSeconds: Math.round(trainSeconds),
    },
  });
  for (const member of members) member.dispose();
  console.log(`trained the family head in ${trainSeconds.toFixed(0)} s (+ ${featureSeconds.toFixed(0)} s features); wrote ${options.out}`);
  if (options.register) {
    const modelsDirectory = defaultModelsDirectory();
    await registerModel(
      { id: options.id, version: options.version, labels: dataset.labels, inputSpec: ANALYSIS_INPUT_SPEC, path: path.relative(modelsDirectory, options.out), default: options.makeDefault || undefined },
      modelsDirectory,
    );
    console.log(`registered ${options.id} ${options.version}${options.makeDefault ? ' as the default' : ''}`);
  }
  return 0;
}

export interface Calibration {
  temperature: number;
  threshold: number;
  namedShare: number;
  namedHitRate: number;
  runs: number;
  clips: number;
}

/**
 * The temperature and unsure threshold for `model`'s out-of-fold predictions saved by `timbre eval
 * --predictions`, pooled over its fold seeds. The saved clips must be the dataset's, in its order.
 */
export async function calibrationFrom(file: string, files: readonly string[], sets: readonly (readonly number[])[], model: FamilyModelName): Promise<Calibration> {
  const saved = JSON.parse(await readFile(file, 'utf8')) as { files: string[]; runs: Array<{ predictions: Partial<Record<FamilyModelName, number[][]>> }> };
  if (saved.files?.length !== files.length || saved.files.some((name, i) => path.resolve(name) !== path.resolve(files[i]))) {
    throw new Error(`${file}: its predictions are of other clips than these datasets' (run timbre eval --predictions on the same --data, in the same order)`);
  }
  const probabilities: number[][] = [];
  const pooledSets: (readonly number[])[] = [];
  for (const run of saved.runs) {
    const rows = run.predictions[model];
    if (!rows) throw new Error(`${file}: no out-of-fold predictions of the ${model} model`);
    probabilities.push(...rows);
    pooledSets.push(...sets);
  }
  const temperature = fitTemperature(probabilities, pooledSets);
  const choice = chooseUnsureThreshold(probabilities.map((row) => applyTemperature(row, temperature)), pooledSets);
  return { temperature, threshold: choice.threshold, namedShare: choice.namedShare, namedHitRate: choice.namedHitRate, runs: saved.runs.length, clips: probabilities.length };
}
