import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../ml/backend.js';
import { readFolderDataset } from '../../ml/dataset.js';
import { DEFAULT_MEMBERS, loadDatasetMels, trainEnsemble } from '../../ml/experiment.js';
import { FeatureCache } from '../../ml/feature-cache.js';
import { ANALYSIS_INPUT_SPEC } from '../../ml/input-spec.js';
import { defaultModelsDirectory, registerModel, writeModelFolder } from '../../ml/registry.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../ml/train.js';
import { integerFlag } from './options.js';

export const summary = 'train the CNN-LSTM genre model on a folder dataset (one folder per genre)';

const USAGE = `usage: timbre train --data DIR [--out DIR] [--epochs N] [--min-epochs N] [--keep-best] [--members M] [--seed S] [--id ID] [--model-version V] [--register] [--default] [--no-cache]

DIR holds one folder per genre (and optionally artists.tsv: genre, file, artist). The model is an
ensemble of M networks (default ${DEFAULT_MEMBERS}); each holds out a different group of artists for
validation, and stops when its validation loss has not improved for 2 epochs once --min-epochs
have run (by default it runs all ${DEFAULT_TRAIN_OPTIONS.maxEpochs}: stopping earlier scored lower).
--out       where model.json and weights.bin go (default: ./timbre-model-<id>)
--epochs    at most this many epochs (default ${DEFAULT_TRAIN_OPTIONS.maxEpochs})
--min-epochs  epochs before early stopping may stop (default ${DEFAULT_TRAIN_OPTIONS.minEpochs})
--keep-best   keep the weights of the epoch with the lowest validation loss, not the last epoch's
--register  add the model to the registry in ${path.relative(process.cwd(), defaultModelsDirectory()) || '.'}/registry.json (--default: as the default)`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      epochs: { type: 'string' },
      'min-epochs': { type: 'string' },
      'keep-best': { type: 'boolean' },
      members: { type: 'string' },
      seed: { type: 'string' },
      id: { type: 'string' },
      'model-version': { type: 'string' },
      register: { type: 'boolean' },
      default: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.data) {
    console.error(`timbre train: --data DIR is required\n${USAGE}`);
    return 2;
  }
  const epochs = integerFlag(values.epochs, DEFAULT_TRAIN_OPTIONS.maxEpochs, '--epochs', 'train');
  const seed = integerFlag(values.seed, DEFAULT_TRAIN_OPTIONS.seed, '--seed', 'train');
  const members = integerFlag(values.members, DEFAULT_MEMBERS, '--members', 'train');
  const minEpochs = integerFlag(values['min-epochs'], DEFAULT_TRAIN_OPTIONS.minEpochs, '--min-epochs', 'train');
  if (epochs === null || seed === null || members === null || minEpochs === null) return 2;
  const id = values.id ?? 'genre-cnn-lstm-custom';
  const version = values['model-version'] ?? new Date().toISOString().slice(0, 10);
  const out = path.resolve(values.out ?? `timbre-model-${id}`);

  const backend = await initBackend();
  console.error(`backend: ${backend.active} (${backend.provider})`);
  const dataset = await readFolderDataset(values.data);
  console.error(`${dataset.clips.length} clips, genres: ${dataset.labels.join(', ')}; validation split by ${dataset.groupedByArtist ? 'artist' : 'clip (no artists.tsv)'}`);
  const started = performance.now();
  const items = await loadDatasetMels(dataset, values['no-cache'] ? null : new FeatureCache(), (done, total) => {
    if (done % 20 === 0 || done === total) console.error(`features ${done}/${total}`);
  });
  const featureSeconds = (performance.now() - started) / 1000;
  const restoreBest = values['keep-best'] ? true : DEFAULT_TRAIN_OPTIONS.restoreBest;
  const options = { ...DEFAULT_TRAIN_OPTIONS, maxEpochs: epochs, minEpochs, restoreBest, seed };
  const results = await trainEnsemble(items, dataset.labels, options, members, (member, report) => {
    console.log(
      `network ${member + 1}/${members} epoch ${String(report.epoch).padStart(2)}  loss ${report.loss.toFixed(4)}  accuracy ${report.accuracy.toFixed(3)}  ` +
        `val_loss ${report.valLoss.toFixed(4)}  val_accuracy ${report.valAccuracy.toFixed(3)}  (${report.seconds.toFixed(1)} s)`,
    );
  });
  const trainSeconds = (performance.now() - started) / 1000 - featureSeconds;
  await writeModelFolder(
    out,
    results.map((result) => result.model),
    {
      id,
      version,
      inputSpec: ANALYSIS_INPUT_SPEC,
      training: {
        data: path.basename(path.resolve(values.data)),
        clips: items.length,
        validationSplit: dataset.groupedByArtist ? 'artist' : 'clip',
        options,
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
}
