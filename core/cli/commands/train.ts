import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { initBackend } from '../../ml/backend.js';
import { readFolderDataset, type LabelledDataset } from '../../ml/dataset.js';
import {
  DEFAULT_INNER_FOLDS,
  DEFAULT_MEMBERS,
  loadDatasetMels,
  MIN_GROUPS_FOR_WEIGHT_CHOICE,
  selectStatisticsWeight,
  trainEnsemble,
  trainStatisticsBaseline,
  type StatisticsWeightSelection,
} from '../../ml/experiment.js';
import { FeatureCache } from '../../ml/feature-cache.js';
import { DEFAULT_STATISTICS_WEIGHT, STATISTICS_WEIGHT_GRID, statisticsHeadFrom } from '../../ml/fusion.js';
import { ANALYSIS_INPUT_SPEC } from '../../ml/input-spec.js';
import { DEFAULT_LIBRARY_DATASET_OPTIONS, libraryDataset } from '../../ml/library-dataset.js';
import { defaultModelsDirectory, registerModel, writeModelFolder } from '../../ml/registry.js';
import { loadDatasetStatistics, loadTrainingStatistics } from '../../ml/statistics.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../ml/train.js';
import { defineCommand, fractionOption, integerOption, UsageError } from '../command.js';
import { existingFolder } from './options.js';
import { trainFamilies } from './train-families.js';
import { activeBackbone } from '../../ml/pretrained/backbone.js';
import { parseFamilySourceSpec } from '../../ml/family-dataset.js';

export const summary = 'train the genre model (CNN-LSTM + MIR statistics) on a folder dataset or on the library';

const USAGE = `usage: timbre train (--data DIR | --db FILE) [--out DIR] [--epochs N] [--min-epochs N] [--last-epoch] [--members M] [--seed S] [--min-tracks N] [--statistics-weight W | --choose-weight [--inner-folds K]] [--no-statistics] [--id ID] [--model-version V] [--register] [--default] [--no-cache]

--data DIR  one folder per genre (and optionally artists.tsv: genre, file, artist)
--db FILE   the library: tracks with a confirmed genre (the first one is the label), else a tag
            genre the vocabulary knows; genres with fewer than --min-tracks (default
            ${DEFAULT_LIBRARY_DATASET_OPTIONS.minTracksPerGenre}) tracks are left out
The model is an ensemble of M networks (default ${DEFAULT_MEMBERS}); each holds out a different sixth of
the artists for validation and stops once its validation loss has not improved for
${DEFAULT_TRAIN_OPTIONS.patience} epochs (after at least --min-epochs, default ${DEFAULT_TRAIN_OPTIONS.minEpochs}), keeping the best epoch.
A logistic regression on the 518 MIR statistics (of three excerpt-length crops of each clip) is trained beside it and fused with the networks;
--no-statistics leaves it out. The statistics' weight W in the fusion defaults to ${DEFAULT_STATISTICS_WEIGHT}.
--choose-weight  choose W from ${STATISTICS_WEIGHT_GRID.join(', ')} by nested cross-validation instead: K artist-grouped
                 inner folds (default ${DEFAULT_INNER_FOLDS}) each train the same recipe on the other folds' artists, and the
                 weight whose fusion of their held-out predictions has the lowest log-loss (at its best
                 temperature) wins; K more networks to train, needs ${MIN_GROUPS_FOR_WEIGHT_CHOICE} artists. On emotify-dev it
                 scored below the even split in \`timbre eval --choose-weight\` (see models/MODEL_CARD.md)
--out       where model.json and weights.bin go (default: ./timbre-model-<id>)
--epochs    at most this many epochs (default ${DEFAULT_TRAIN_OPTIONS.maxEpochs})
--last-epoch  keep the last epoch's weights instead of the best epoch's
--families  train the genre-family head of the default model (over the genre tree's families) on one or
            more --data sources: DIR/metadata.tsv (file, artist, AllMusic genres), genre folders, or
            FAMILY=DIR (every audio file under DIR is that family; its subfolders are the groups).
            --calibrate-on FILE (required): \`timbre eval --predictions FILE\` of the same --data, whose
            out-of-fold predictions give the temperature and the unsure threshold; --network-from ID
            (default genre-cnn-lstm-emotify): the registered model whose networks give the timeline and embedding;
            --backbone: also a head on the installed backbone's tags and embedding (calibrated on the
            predictions' withBackbone model); --distill W: the backbone as teacher of the statistics head
--register  add the model to the registry in ${path.relative(process.cwd(), defaultModelsDirectory()) || '.'}/registry.json (--default: as the default)`;

const spec = {
  name: 'train',
  usage: USAGE,
  options: {
      data: { type: 'string', multiple: true },
      families: { type: 'boolean' },
      'network-from': { type: 'string' },
      'calibrate-on': { type: 'string' },
      backbone: { type: 'boolean' },
      distill: { type: 'string' },
      db: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      'min-epochs': { type: 'string' },
      'last-epoch': { type: 'boolean' },
      members: { type: 'string' },
      seed: { type: 'string' },
      'min-tracks': { type: 'string' },
      'statistics-weight': { type: 'string' },
      'choose-weight': { type: 'boolean' },
      'inner-folds': { type: 'string' },
      'no-statistics': { type: 'boolean' },
      id: { type: 'string' },
      'model-version': { type: 'string' },
      register: { type: 'boolean' },
      default: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
  },
} as const;

export const run = defineCommand(spec, async ({ values }) => {
  if (!values.data?.length === !values.db) throw new UsageError('give either --data DIR or --db FILE');
  const specs = (values.data ?? []).map(parseFamilySourceSpec);
  for (const source of specs) existingFolder(source.root);
  if (values.families) {
    if (!values['calibrate-on']) throw new UsageError('--families needs --calibrate-on FILE (timbre eval --predictions of the same data)');
    const backend = await initBackend();
    const id = values.id ?? 'genre-families';
    const distillation = fractionOption(values.distill, '--distill', 0);
    const backbone = values.backbone || distillation > 0 ? await activeBackbone() : null;
    if ((values.backbone || distillation > 0) && !backbone) throw new Error('no pretrained backbone is installed (see timbre models; TIMBRE_PRETRAINED_DIR)');
    return trainFamilies({
      specs,
      cache: values['no-cache'] ? null : new FeatureCache(),
      networkFrom: values['network-from'] ?? 'genre-cnn-lstm-emotify',
      calibrateOn: values['calibrate-on'],
      id,
      version: values['model-version'] ?? new Date().toISOString().slice(0, 10),
      out: path.resolve(values.out ?? `timbre-model-${id}`),
      register: !!values.register,
      makeDefault: !!values.default,
      backend: backend.active,
      backbone,
      backboneHead: !!values.backbone,
      distillation,
    });
  }
  if (specs.length > 1) throw new UsageError('several --data folders train genre families: add --families');
  const epochs = integerOption(values.epochs, '--epochs', { fallback: DEFAULT_TRAIN_OPTIONS.maxEpochs });
  const seed = integerOption(values.seed, '--seed', { fallback: DEFAULT_TRAIN_OPTIONS.seed });
  const members = integerOption(values.members, '--members', { fallback: DEFAULT_MEMBERS });
  const minEpochs = integerOption(values['min-epochs'], '--min-epochs', { fallback: DEFAULT_TRAIN_OPTIONS.minEpochs });
  const minTracks = integerOption(values['min-tracks'], '--min-tracks', { fallback: DEFAULT_LIBRARY_DATASET_OPTIONS.minTracksPerGenre });
  if (values['choose-weight'] && values['statistics-weight'] !== undefined) throw new UsageError('give --statistics-weight W or --choose-weight, not both');
  const fixedWeight = fractionOption(values['statistics-weight'], '--statistics-weight', DEFAULT_STATISTICS_WEIGHT);
  const innerFolds = integerOption(values['inner-folds'], '--inner-folds', { fallback: DEFAULT_INNER_FOLDS, min: 2 });
  const id = values.id ?? (values.db ? 'genre-cnn-lstm-library' : 'genre-cnn-lstm-custom');
  const version = values['model-version'] ?? new Date().toISOString().slice(0, 10);
  const out = path.resolve(values.out ?? `timbre-model-${id}`);

  const backend = await initBackend();
  console.error(`backend: ${backend.active} (${backend.provider})`);
  let dataset: LabelledDataset;
  let source: string;
  if (values.db) {
    const dbPath = resolveDbPath(values.db);
    if (!existsSync(dbPath)) {
      console.error(`timbre train: no library database at ${dbPath}`);
      return 1;
    }
    const db = openDatabase(dbPath);
    try {
      const library = libraryDataset(db, { minTracksPerGenre: minTracks });
      const { unlabelled, failedAnalysis, missingFile, rareGenre } = library.skipped;
      const rare = Object.entries(rareGenre).map(([genre, count]) => `${genre} ${count}`).join(', ');
      console.error(
        `library ${dbPath}: ${library.clips.length} labelled tracks (${library.confirmed} confirmed, ${library.clips.length - library.confirmed} by tag); ` +
          `left out: ${unlabelled} without a genre, ${failedAnalysis} failed analysis, ${missingFile} missing files${rare ? `, rare genres (${rare})` : ''}`,
      );
      dataset = library;
      source = `library ${path.basename(dbPath)}`;
    } finally {
      db.close();
    }
    if (dataset.labels.length < 2) {
      console.error(`timbre train: the library has ${dataset.labels.length} genre(s) with at least ${minTracks} labelled tracks; at least 2 are needed`);
      return 1;
    }
  } else {
    dataset = await readFolderDataset(specs[0].root);
    source = path.basename(path.resolve(specs[0].root));
  }
  const groups = new Set(dataset.clips.map((clip) => clip.group)).size;
  if (groups < 6) {
    console.error(`timbre train: ${groups} artists; at least 6 are needed (a sixth of them is held out for validation)`);
    return 1;
  }
  console.error(`${dataset.clips.length} clips, genres: ${dataset.labels.join(', ')}; validation split by ${dataset.groupedByArtist ? 'artist' : 'artist where known, else by file'}`);
  const cache = values['no-cache'] ? null : new FeatureCache();
  const progress = (what: string) => (done: number, total: number) => {
    if (done % 20 === 0 || done === total) console.error(`${what} ${done}/${total}`);
  };
  const started = performance.now();
  const items = await loadDatasetMels(dataset, cache, progress('log-mel'));
  const statistics = values['no-statistics'] ? null : await loadTrainingStatistics(dataset, cache, progress('MIR statistics (training crops)'));
  const chooseWeight = statistics !== null && values['choose-weight'] === true && groups >= MIN_GROUPS_FOR_WEIGHT_CHOICE;
  const analysisStatistics = chooseWeight ? await loadDatasetStatistics(dataset, cache, progress('MIR statistics (analysis excerpt)')) : null;
  const featureSeconds = (performance.now() - started) / 1000;
  const restoreBest = !values['last-epoch'];
  const options = { ...DEFAULT_TRAIN_OPTIONS, maxEpochs: epochs, minEpochs, restoreBest, seed };
  const results = await trainEnsemble(items, dataset.labels, options, members, (member, report) => {
    console.log(
      `network ${member + 1}/${members} epoch ${String(report.epoch).padStart(2)}  loss ${report.loss.toFixed(4)}  accuracy ${report.accuracy.toFixed(3)}  ` +
        `val_loss ${report.valLoss.toFixed(4)}  val_accuracy ${report.valAccuracy.toFixed(3)}  lr ${report.learningRate.toExponential(1)}  (${report.seconds.toFixed(1)} s)`,
    );
  });
  let weightSelection: StatisticsWeightSelection | null = null;
  if (statistics && analysisStatistics) {
    console.log(`choosing the statistics weight by ${innerFolds}-fold nested cross-validation (${innerFolds} more networks)`);
    weightSelection = await selectStatisticsWeight(items, analysisStatistics, statistics, dataset.labels, {
      innerFolds,
      members,
      train: options,
      onEpoch: (innerFold, member, report) =>
        console.log(
          `weight choice: inner fold ${innerFold + 1}/${innerFolds} network ${member + 1}/${members} epoch ${String(report.epoch).padStart(2)}  loss ${report.loss.toFixed(4)}  ` +
            `val_loss ${report.valLoss.toFixed(4)}  val_accuracy ${report.valAccuracy.toFixed(3)}  (${report.seconds.toFixed(1)} s)`,
        ),
    });
    const scores = weightSelection.grid.map((weight, i) => `${weight}: ${weightSelection!.logLoss[i].toFixed(3)}`).join(', ');
    console.log(`statistics weight ${weightSelection.weight} (held-out log-loss by weight: ${scores}; ${weightSelection.seconds.toFixed(0)} s)`);
  } else if (statistics && values['choose-weight']) {
    console.error(`${groups} artists are too few to choose the statistics weight by nested cross-validation (${MIN_GROUPS_FOR_WEIGHT_CHOICE} needed): fusing at ${DEFAULT_STATISTICS_WEIGHT}`);
  }
  const statisticsWeight = weightSelection?.weight ?? fixedWeight;
  const statisticsHead = statistics
    ? statisticsHeadFrom(
        trainStatisticsBaseline(
          statistics,
          items.map((item) => item.label),
          dataset.labels.length,
        ),
        statisticsWeight,
      )
    : undefined;
  const trainSeconds = (performance.now() - started) / 1000 - featureSeconds;
  await writeModelFolder(
    out,
    results.map((result) => result.model),
    {
      id,
      version,
      inputSpec: ANALYSIS_INPUT_SPEC,
      statisticsHead,
      training: {
        data: source,
        clips: items.length,
        validationSplit: dataset.groupedByArtist ? 'artist' : 'artist where known, else file',
        options,
        statistics: statisticsHead
          ? {
              features: 'fma518',
              model: 'logistic regression (core/ml/baseline.ts defaults) on 3 excerpt-length crops of each training clip',
              weight: statisticsHead.weight,
              weightChoice: weightSelection
                ? {
                    method: `${weightSelection.innerFolds}-fold artist-grouped nested cross-validation, lowest mean log-loss of the fused held-out predictions at their best temperature`,
                    grid: weightSelection.grid,
                    logLoss: weightSelection.logLoss,
                    temperature: weightSelection.temperature,
                    accuracy: weightSelection.accuracy,
                    epochsPerInnerFold: weightSelection.epochsPerInnerFold,
                    seconds: Math.round(weightSelection.seconds),
                  }
                : `fixed${values['choose-weight'] ? ' (too few artists for nested cross-validation)' : ''}`,
            }
          : null,
        backend: backend.active,
        featureSeconds: Math.round(featureSeconds),
        trainSeconds: Math.round(trainSeconds),
        members: results.map((result) => ({
          trainClips: result.trainCount,
          validationClips: result.validationCount,
          classWeights: result.classWeights,
          bestEpoch: result.bestEpoch,
          epochs: result.epochs,
        })),
      },
    },
  );
  for (const result of results) result.model.dispose();
  const kept = results.map((result) => result.bestEpoch).join(', ');
  console.log(`kept epochs ${kept} (${restoreBest ? 'lowest val_loss' : 'last'}); trained in ${trainSeconds.toFixed(0)} s (+ ${featureSeconds.toFixed(0)} s features); wrote ${out}`);
  if (values.register) {
    const modelsDirectory = defaultModelsDirectory();
    await registerModel(
      { id, version, labels: dataset.labels, inputSpec: ANALYSIS_INPUT_SPEC, path: path.relative(modelsDirectory, out), default: values.default || undefined },
      modelsDirectory,
    );
    console.log(`registered ${id} ${version} in ${path.join(modelsDirectory, 'registry.json')}${values.default ? ' as the default' : ''}`);
  }
  return 0;
});
