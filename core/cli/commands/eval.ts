import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../../ml/backend.js';
import { loadClassifier } from '../../ml/classifier.js';
import { readFolderDataset } from '../../ml/dataset.js';
import { crossValidate, DEFAULT_INNER_FOLDS, DEFAULT_MEMBERS, loadAnalysisMels, loadDatasetMels } from '../../ml/experiment.js';
import { FeatureCache } from '../../ml/feature-cache.js';
import { DEFAULT_STATISTICS_WEIGHT, STATISTICS_WEIGHT_GRID } from '../../ml/fusion.js';
import { classificationReport, type ClassificationReport } from '../../ml/metrics.js';
import { loadDatasetStatistics, loadTrainingStatistics } from '../../ml/statistics.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../ml/train.js';
import { defineCommand, fractionOption, integerOption, UsageError } from '../command.js';
import { existingFolder } from './options.js';
import { evaluateFamilies } from './eval-families.js';
import { parseFamilySourceSpec, readFamilyDataset, type FamilySourceSpec } from '../../ml/family-dataset.js';
import { DEFAULT_BACKBONE_WEIGHT, DEFAULT_FAMILY_RECIPE, FAMILY_TRAIN_OPTIONS, loadFamilyItems, teacherFamilies, type FamilyItem, type FamilyRecipe } from '../../ml/family-experiment.js';
import type { FamilyDataset } from '../../ml/family-dataset.js';
import { GENRE_FAMILIES, genreFamilies, genreFamily } from '../../genres/tree.js';
import { backboneRow } from '../../ml/heads.js';
import { activeBackbone, scanPatchLimit } from '../../ml/pretrained/backbone.js';
import { fileLogMel } from '../../ml/features.js';
import { fileBackboneFeatures } from '../../ml/pretrained/dataset-features.js';
import { DEFAULT_SET_LOGISTIC_OPTIONS } from '../../ml/set-logistic.js';
import { learningCurve, type CurveFeatures, type CurveFusion } from '../../ml/learning-curve.js';
import { DEFAULT_CONFIG } from '../../ml/model.js';

export const summary = 'evaluate genre classification: artist-grouped cross-validation (CNN-LSTM vs MIR baseline), or a trained model';

const USAGE = `usage: timbre eval --data DIR [--json] [--model ID] [--folds K] [--members M] [--seed S] [--epochs N] [--min-epochs N] [--last-epoch] [--statistics-weight W | --choose-weight [--inner-folds K]] [--no-baseline] [--predictions FILE] [--no-cache]
       timbre eval --data DIR|FAMILY=DIR [--data ...] [--families] [--network] [--backbone [--backbone-weight W]] [--distill W] [--fold-seeds S1,S2,...] [--json] [--predictions FILE]
       timbre eval --data DIR|FAMILY=DIR [--data ...] --learning-curve N1,N2,... [--fold-seeds S1,S2,...] [--json]

Without --model: k-fold cross-validation of the training recipe (default 5 folds, each an ensemble of
M networks as shipped, default ${DEFAULT_MEMBERS}), grouped by artist when DIR/artists.tsv names
them. On the same splits: the MIR-statistics baseline (518 FMA statistics, logistic regression trained on three excerpt-length crops of each training clip, tested on the analysis excerpt) and
the shipped fusion of both, with the statistics' weight W (default ${DEFAULT_STATISTICS_WEIGHT}).
--choose-weight     as \`timbre train --choose-weight\` does, each fold chooses the weight from
                    ${STATISTICS_WEIGHT_GRID.join(', ')} by nested cross-validation on its own training artists only
                    (K inner artist-grouped folds, default ${DEFAULT_INNER_FOLDS}: K more networks per fold, about
                    3x the training time: 17-30 min for emotify-dev on 2 shared cores, against ~6); the same
                    folds fused at the even split are reported beside it
--predictions FILE  writes every clip's out-of-fold probabilities (JSON), and those the weights were chosen on
--last-epoch        keep each network's last epoch instead of its best (lowest validation loss)
With --model ID: tests that trained model on every clip of DIR (use data it was not trained on).

Genre families (the genre tree): with several --data, --families, DIR/metadata.tsv (file, artist,
AllMusic genres; mer4q-dev) or FAMILY=DIR (every audio file under DIR is that family, its subfolders
the groups; e.g. soundtrack=DIR), artist-grouped CV of the family recipe over all of them: the MIR-
statistics family head (and with --network a CNN-LSTM trained on the label sets, fused). Reports the
top-family hit rate (the top family is one of the clip's), the expected calibration error before and
after temperature scaling, the unsure share, and per dataset: hit rate, accuracy and kappa over its own
genres, the share of a one-family folder that comes out that family or unsure. --fold-seeds 1,2,3
repeats it over fold seeds. --backbone (with a pretrained backbone installed): a head on its tags and
embedding (of the patches a scan runs it on: TIMBRE_BACKBONE_PATCHES, default one) fused with the default at --backbone-weight
(default 0.5). --distill W: the statistics head also learns the backbone's tags mapped onto the
families, at share W of its loss (the backbone as teacher; the default still runs without it).
--learning-curve 5,10,20,50: the top-family hit rate on held-out artists (a quarter of them, chosen
by each seed of --fold-seeds, default 1,2,3,4,5) of heads trained on up to N clips per family of the
other artists, mean ± sd over the seeds: the MIR statistics, and with a backbone installed its tags
and embedding, its embedding alone and the statistics fused with it; and the retrain head's input,
the shipped default model's track embedding.
Reports accuracy, Cohen's kappa, macro-F1, per-class precision/recall and the confusion matrix.`;

const spec = {
  name: 'eval',
  usage: USAGE,
  options: {
      data: { type: 'string', multiple: true },
      families: { type: 'boolean' },
      network: { type: 'boolean' },
      backbone: { type: 'boolean' },
      'backbone-weight': { type: 'string' },
      distill: { type: 'string' },
      'fold-seeds': { type: 'string' },
      'learning-curve': { type: 'string' },
      json: { type: 'boolean' },
      model: { type: 'string' },
      folds: { type: 'string' },
      members: { type: 'string' },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      'min-epochs': { type: 'string' },
      'last-epoch': { type: 'boolean' },
      'statistics-weight': { type: 'string' },
      'choose-weight': { type: 'boolean' },
      'inner-folds': { type: 'string' },
      'no-baseline': { type: 'boolean' },
      predictions: { type: 'string' },
    'no-cache': { type: 'boolean' },
  },
} as const;

export const run = defineCommand(spec, async ({ values }) => {
  if (!values.data?.length) throw new UsageError('--data DIR is required');
  const specs = values.data.map(parseFamilySourceSpec);
  for (const source of specs) existingFolder(source.root);
  if (values.families || specs.length > 1 || specs.some((source) => source.family || existsSync(path.join(source.root, 'metadata.tsv')))) {
    return runFamilies(specs, values);
  }
  const dataFolder = specs[0].root;
  const folds = integerOption(values.folds, '--folds', { fallback: 5, min: 2 });
  const members = integerOption(values.members, '--members', { fallback: DEFAULT_MEMBERS });
  const seed = integerOption(values.seed, '--seed', { fallback: DEFAULT_TRAIN_OPTIONS.seed });
  const epochs = integerOption(values.epochs, '--epochs', { fallback: DEFAULT_TRAIN_OPTIONS.maxEpochs });
  const minEpochs = integerOption(values['min-epochs'], '--min-epochs', { fallback: DEFAULT_TRAIN_OPTIONS.minEpochs });
  if (values['choose-weight'] && values['statistics-weight'] !== undefined) throw new UsageError('give --statistics-weight W or --choose-weight, not both');
  const fixedWeight = values['choose-weight'] ? undefined : fractionOption(values['statistics-weight'], '--statistics-weight', DEFAULT_STATISTICS_WEIGHT);
  const innerFolds = integerOption(values['inner-folds'], '--inner-folds', { fallback: DEFAULT_INNER_FOLDS, min: 2 });
  const backend = await initBackend();
  const dataset = await readFolderDataset(dataFolder);
  const cache = values['no-cache'] ? null : new FeatureCache();
  const progress = (what: string) => (done: number, total: number) => {
    if (done % 20 === 0 || done === total) console.error(`${what} ${done}/${total}`);
  };
  const data = path.resolve(dataFolder);

  if (values.model) {
    const mels = await loadAnalysisMels(dataset, cache, progress('log-mel'));
    const classifier = await loadClassifier(values.model);
    const statistics = classifier.usesStatistics ? await loadDatasetStatistics(dataset, cache, progress('MIR statistics')) : null;
    // A family model's labels are the tree's family names: a genre folder counts as its family.
    const asModelLabel = (genre: string) => {
      if (classifier.labels.includes(genre)) return genre;
      const [familyId] = genreFamilies(genre);
      const name = familyId ? genreFamily(familyId)?.name : undefined;
      return name && classifier.labels.includes(name) ? name : genre;
    };
    const missing = [...new Set(dataset.labels.map(asModelLabel))].filter((label) => !classifier.labels.includes(label));
    if (missing.length) console.error(`warning: the model has no class for ${missing.join(', ')}; those clips count as errors`);
    const labels = [...classifier.labels, ...missing];
    const truth = dataset.clips.map((clip) => labels.indexOf(asModelLabel(clip.label)));
    const started = performance.now();
    // Accuracy ranks the top genre, named or not (unsure is a display decision).
    const predicted = mels.map((mel, i) => labels.indexOf(classifier.classifyMel(mel, statistics?.[i]).candidates[0].genre));
    const seconds = (performance.now() - started) / 1000;
    const report = classificationReport(truth, predicted, labels);
    const output = { mode: 'model', data, model: { id: classifier.modelId, version: classifier.version }, backend: backend.active, clips: mels.length, tracksPerSecond: mels.length / seconds, cnnLstm: report };
    if (values.json) console.log(JSON.stringify(output, null, 2));
    else printReport(`${classifier.modelId} ${classifier.version} on ${mels.length} clips of ${data}`, report);
    classifier.dispose();
    return 0;
  }

  // Cross-validation trains networks: they need the longer training excerpts as well.
  const items = await loadDatasetMels(dataset, cache, progress('log-mel'));

  const statistics = values['no-baseline'] ? undefined : await loadDatasetStatistics(dataset, cache, progress('MIR statistics'));
  const trainingStatistics = values['no-baseline'] ? undefined : await loadTrainingStatistics(dataset, cache, progress('MIR statistics (training crops)'));
  const { predictions, weightChoicePredictions, ...report } = await crossValidate(items, dataset.labels, dataset.groupedByArtist, {
    folds,
    members,
    train: { ...DEFAULT_TRAIN_OPTIONS, seed, maxEpochs: epochs, minEpochs, restoreBest: !values['last-epoch'] },
    statistics,
    trainingStatistics,
    statisticsWeight: fixedWeight,
    innerFolds,
    onEpoch: (fold, member, epoch) =>
      console.error(
        `fold ${fold + 1}/${folds} member ${member + 1}/${members} epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(3)} val_loss ${epoch.valLoss.toFixed(3)} val_accuracy ${epoch.valAccuracy.toFixed(3)} (lr ${epoch.learningRate.toExponential(1)})`,
      ),
    onInnerEpoch: (fold, innerFold, member, epoch) =>
      console.error(
        `fold ${fold + 1}/${folds} weight choice: inner fold ${innerFold + 1}/${innerFolds} member ${member + 1}/${members} epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(3)} val_loss ${epoch.valLoss.toFixed(3)}`,
      ),
    onWeightChosen: (fold, selection) =>
      console.error(
        `fold ${fold + 1}/${folds}: statistics weight ${selection.weight} (inner log-loss at the best temperature ${selection.grid.map((w, i) => `${w}: ${selection.logLoss[i].toFixed(3)}`).join(', ')}; ${selection.seconds.toFixed(0)} s)`,
      ),
    onFold: (fold, model, accuracy) => console.error(`fold ${fold + 1}/${folds}: ${model} accuracy ${accuracy.toFixed(3)}`),
  });
  if (values.predictions) await writeFile(values.predictions, JSON.stringify({ labels: dataset.labels, predictions, weightChoicePredictions }) + '\n');
  const output = { mode: 'cross-validation', data, backend: backend.active, clips: items.length, ...report };
  if (values.json) console.log(JSON.stringify(output, null, 2));
  else {
    console.log(`${folds}-fold cross-validation grouped by ${report.groupedBy}, ${items.length} clips of ${data}`);
    printReport(`CNN-LSTM (ensemble of ${members})`, report.cnnLstm);
    if (report.baseline) printReport('MIR-statistics baseline (logistic regression)', report.baseline);
    if (report.fused) printReport(`CNN-LSTM + MIR statistics, fused (statistics weight per fold ${report.fused.statisticsWeights.join(', ')}, ${report.fused.weightChoice}): the shipped recipe`, report.fused);
    if (report.fusedEvenSplit) printReport('the same folds fused at the even split (statistics weight 0.5)', report.fusedEvenSplit);
  }
  return 0;
});

interface FamilyValues {
  json?: boolean;
  folds?: string;
  seed?: string;
  'fold-seeds'?: string;
  'learning-curve'?: string;
  epochs?: string;
  'min-epochs'?: string;
  network?: boolean;
  backbone?: boolean;
  'backbone-weight'?: string;
  distill?: string;
  predictions?: string;
  'no-cache'?: boolean;
  'statistics-weight'?: string;
}

async function runFamilies(specs: FamilySourceSpec[], values: FamilyValues): Promise<number> {
  const folds = integerOption(values.folds, '--folds', { fallback: 5, min: 2 });
  const seeds = values['fold-seeds'] ? values['fold-seeds'].split(',').map((text) => integerOption(text.trim(), '--fold-seeds')) : [integerOption(values.seed, '--seed', { fallback: DEFAULT_TRAIN_OPTIONS.seed })];
  const epochs = integerOption(values.epochs, '--epochs', { fallback: DEFAULT_TRAIN_OPTIONS.maxEpochs });
  const minEpochs = integerOption(values['min-epochs'], '--min-epochs', { fallback: DEFAULT_TRAIN_OPTIONS.minEpochs });
  const statisticsWeight = fractionOption(values['statistics-weight'], '--statistics-weight', DEFAULT_FAMILY_RECIPE.statisticsWeight);
  const backend = await initBackend();
  const dataset = await readFamilyDataset(specs);
  const cache = values['no-cache'] ? null : new FeatureCache();
  const distillation = values.distill === undefined ? 0 : fractionOption(values.distill, '--distill', 0);
  const curveCaps = values['learning-curve'] === undefined ? null : values['learning-curve'].split(',').map((text) => integerOption(text.trim(), '--learning-curve', { min: 1 }));
  const backbone = values.backbone || distillation > 0 || curveCaps ? await activeBackbone() : null;
  if ((values.backbone || distillation > 0) && !backbone) throw new Error('no pretrained backbone is installed (see timbre models; TIMBRE_PRETRAINED_DIR)');
  const recipe: FamilyRecipe = {
    ...DEFAULT_FAMILY_RECIPE,
    statisticsWeight,
    network: values.network ? { train: { ...FAMILY_TRAIN_OPTIONS, maxEpochs: epochs, minEpochs }, config: DEFAULT_CONFIG } : null,
    backbone: values.backbone ? { options: DEFAULT_SET_LOGISTIC_OPTIONS, weight: fractionOption(values['backbone-weight'], '--backbone-weight', DEFAULT_BACKBONE_WEIGHT) } : null,
    distillation,
  };
  const familyIds = GENRE_FAMILIES.map((family) => family.id);
  const backboneFeatures = backbone
    ? async (clip: FamilyDataset['clips'][number]) => {
        const features = await fileBackboneFeatures(clip.file, backbone, cache, clip.durationSec, { maxPatches: scanPatchLimit() });
        return { row: backboneRow(features.tags, features.embedding), teacher: teacherFamilies(features.tags, backbone.entry.tags, familyIds) };
      }
    : undefined;
  const items = await loadFamilyItems(dataset, cache, { mels: recipe.network !== null, backbone: backboneFeatures }, (what, done, total) => {
    if (done % 20 === 0 || done === total) console.error(`${what} ${done}/${total}`);
  });
  if (curveCaps) {
    const curveSeeds = values['fold-seeds'] ? seeds : [1, 2, 3, 4, 5];
    // The retrain head's input: the shipped default model's track embedding (its network was trained on emotify-dev alone).
    const classifier = await loadClassifier();
    const shippedEmbeddings: Float64Array[] = [];
    for (const [i, clip] of dataset.clips.entries()) {
      shippedEmbeddings.push(Float64Array.from(classifier.embedMel(await fileLogMel(clip.file, cache, clip.durationSec))));
      if ((i + 1) % 20 === 0 || i + 1 === dataset.clips.length) console.error(`shipped model's embedding ${i + 1}/${dataset.clips.length}`);
    }
    classifier.dispose();
    return runLearningCurve(dataset, items, shippedEmbeddings, curveCaps, curveSeeds, backbone?.entry.tags.length ?? 0, !!values.json);
  }
  return evaluateFamilies(dataset, items, recipe, { folds, seeds, json: !!values.json, predictions: values.predictions, backend: backend.active });
}

async function runLearningCurve(dataset: FamilyDataset, items: FamilyItem[], shippedEmbeddings: Float64Array[], caps: number[], seeds: number[], tagCount: number, json: boolean): Promise<number> {
  const features: CurveFeatures[] = [
    { name: 'statistics', rows: items.map((item) => item.statistics) },
    { name: 'shippedEmbedding', rows: shippedEmbeddings },
  ];
  const fusions: CurveFusion[] = [];
  const backboneRows = items.map((item) => item.backbone ?? null);
  if (backboneRows.every(Boolean)) {
    features.push({ name: 'backbone', rows: backboneRows }, { name: 'backboneEmbedding', rows: backboneRows.map((row) => row!.slice(tagCount)) });
    fusions.push({ name: 'statisticsWithBackbone', first: 'statistics', second: 'backbone', weight: DEFAULT_BACKBONE_WEIGHT });
  } else console.error('no pretrained backbone installed: the curve of the MIR statistics alone');
  const points = learningCurve(items, dataset.labels.length, features, fusions, caps, seeds, DEFAULT_SET_LOGISTIC_OPTIONS, (cap, seed) =>
    console.error(`learning curve: ${cap} per family, seed ${seed} done`),
  );
  if (json) {
    console.log(JSON.stringify({ mode: 'learning-curve', data: dataset.sources.map((source) => path.resolve(source.root)), clips: items.length, seeds, points }, null, 2));
    return 0;
  }
  const names = Object.keys(points[0].summary);
  console.log(`Top-family hit rate on held-out artists, mean ± sd over seeds ${seeds.join(', ')}`);
  console.log(`  ${'per family'.padEnd(12)}${'train clips'.padStart(12)}${names.map((name) => name.padStart(24)).join('')}`);
  for (const point of points) {
    const trainClips = point.runs.reduce((sum, run) => sum + run.trainClips, 0) / point.runs.length;
    const cells = names.map((name) => `${point.summary[name].mean.toFixed(3)} ± ${point.summary[name].sd.toFixed(3)}`.padStart(24));
    console.log(`  ${`up to ${point.cap}`.padEnd(12)}${trainClips.toFixed(0).padStart(12)}${cells.join('')}`);
  }
  console.log(`  held-out clips per seed: ${points[0].runs.map((run) => run.testClips).join(', ')}`);
  return 0;
}

function printReport(title: string, report: ClassificationReport): void {
  const lines = [
    `\n${title}`,
    `  accuracy ${report.accuracy.toFixed(3)}   kappa ${report.kappa.toFixed(3)}   macro-F1 ${report.macroF1.toFixed(3)}   (n = ${report.n})`,
    `  ${'class'.padEnd(12)} precision  recall  support`,
    ...report.labels.map((label) => {
      const row = report.perClass[label];
      return `  ${label.padEnd(12)} ${row.precision.toFixed(3).padStart(9)} ${row.recall.toFixed(3).padStart(7)} ${String(row.support).padStart(8)}`;
    }),
    `  confusion (rows: truth, columns: predicted; ${report.labels.join(', ')})`,
    ...report.confusion.map((row, i) => `  ${report.labels[i].padEnd(12)} ${row.map((count) => String(count).padStart(5)).join('')}`),
  ];
  console.log(lines.join('\n'));
}
