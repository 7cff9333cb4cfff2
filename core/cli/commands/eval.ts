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

export const summary = 'evaluate genre classification: artist-grouped cross-validation (CNN-LSTM vs MIR baseline), or a trained model';

const USAGE = `usage: timbre eval --data DIR [--json] [--model ID] [--folds K] [--members M] [--seed S] [--epochs N] [--min-epochs N] [--last-epoch] [--statistics-weight W | --choose-weight [--inner-folds K]] [--no-baseline] [--predictions FILE] [--no-cache]

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
Reports accuracy, Cohen's kappa, macro-F1, per-class precision/recall and the confusion matrix.`;

const spec = {
  name: 'eval',
  usage: USAGE,
  options: {
      data: { type: 'string' },
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
  if (!values.data) throw new UsageError('--data DIR is required');
  existingFolder(values.data);
  const folds = integerOption(values.folds, '--folds', { fallback: 5, min: 2 });
  const members = integerOption(values.members, '--members', { fallback: DEFAULT_MEMBERS });
  const seed = integerOption(values.seed, '--seed', { fallback: DEFAULT_TRAIN_OPTIONS.seed });
  const epochs = integerOption(values.epochs, '--epochs', { fallback: DEFAULT_TRAIN_OPTIONS.maxEpochs });
  const minEpochs = integerOption(values['min-epochs'], '--min-epochs', { fallback: DEFAULT_TRAIN_OPTIONS.minEpochs });
  if (values['choose-weight'] && values['statistics-weight'] !== undefined) throw new UsageError('give --statistics-weight W or --choose-weight, not both');
  const fixedWeight = values['choose-weight'] ? undefined : fractionOption(values['statistics-weight'], '--statistics-weight', DEFAULT_STATISTICS_WEIGHT);
  const innerFolds = integerOption(values['inner-folds'], '--inner-folds', { fallback: DEFAULT_INNER_FOLDS, min: 2 });
  const backend = await initBackend();
  const dataset = await readFolderDataset(values.data);
  const cache = values['no-cache'] ? null : new FeatureCache();
  const progress = (what: string) => (done: number, total: number) => {
    if (done % 20 === 0 || done === total) console.error(`${what} ${done}/${total}`);
  };
  const data = path.resolve(values.data);

  if (values.model) {
    const mels = await loadAnalysisMels(dataset, cache, progress('log-mel'));
    const classifier = await loadClassifier(values.model);
    const statistics = classifier.usesStatistics ? await loadDatasetStatistics(dataset, cache, progress('MIR statistics')) : null;
    const missing = dataset.labels.filter((label) => !classifier.labels.includes(label));
    if (missing.length) console.error(`warning: the model has no class for ${missing.join(', ')}; those clips count as errors`);
    const labels = [...classifier.labels, ...missing];
    const truth = dataset.clips.map((clip) => labels.indexOf(clip.label));
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
