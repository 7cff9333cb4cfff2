import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { initBackend } from '../../core/ml/backend.js';
import { predictLogisticBaseline, trainLogisticBaseline } from '../../core/ml/baseline.js';
import { classifyWithModel, loadClassifier } from '../../core/ml/classifier.js';
import {
  chooseStatisticsWeight,
  DEFAULT_STATISTICS_WEIGHT,
  fuseProbabilities,
  readStatisticsHead,
  STATISTICS_WEIGHT_GRID,
  statisticsHeadFrom,
  statisticsProbabilities,
  type StatisticsHead,
} from '../../core/ml/fusion.js';
import { selectStatisticsWeight, type DatasetItem } from '../../core/ml/experiment.js';
import { predictTrack } from '../../core/ml/inference.js';
import { ANALYSIS_INPUT_SPEC } from '../../core/ml/input-spec.js';
import { libraryDataset } from '../../core/ml/library-dataset.js';
import { CnnLstmModel, type CnnLstmConfig } from '../../core/ml/model.js';
import { SeededRandom } from '../../core/ml/random.js';
import { readModelFolder, registerModel, writeModelFolder } from '../../core/ml/registry.js';
import { groupedFolds } from '../../core/ml/splits.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../core/ml/train.js';

const TINY: CnnLstmConfig = {
  labels: ['a', 'b', 'c'],
  nMels: 128,
  patchFrames: 16,
  sequencePatches: 2,
  inputPool: { frames: 2, bands: 2 },
  conv: [{ kernel: 3, filters: 4, pool: 1 }],
  lstmUnits: 4,
  dropout: 0,
};

before(async () => {
  await initBackend();
});

test('fusion is the normalised weighted geometric mean of the two models', () => {
  const network = [0.7, 0.2, 0.1];
  const statistics = [0.1, 0.6, 0.3];
  // Hand-computed: sqrt(0.07), sqrt(0.12), sqrt(0.03), normalised.
  const raw = [Math.sqrt(0.07), Math.sqrt(0.12), Math.sqrt(0.03)];
  const total = raw.reduce((a, b) => a + b, 0);
  const fused = fuseProbabilities(network, statistics, 0.5);
  raw.forEach((value, c) => assert.ok(Math.abs(fused[c] - value / total) < 1e-6, `class ${c}: ${fused[c]} vs ${value / total}`));
  assert.deepEqual(Array.from(fuseProbabilities(network, statistics, 0), (p) => +p.toFixed(6)), network);
  assert.deepEqual(Array.from(fuseProbabilities(network, statistics, 1), (p) => +p.toFixed(6)), statistics);
  assert.throws(() => fuseProbabilities([0.5, 0.5], statistics, 0.5), /number of classes/);
});

test('the statistics head reproduces the trained logistic regression, and refuses inconsistent sizes', () => {
  const random = new SeededRandom(3);
  const rows = Array.from({ length: 30 }, (_, i) => Float64Array.from({ length: 6 }, (_, j) => (j === i % 3 ? 2 : 0) + random.normal()));
  rows[4][2] = NaN; // a non-finite statistic counts as the training mean in both paths
  const labels = rows.map((_, i) => i % 3);
  const baseline = trainLogisticBaseline(rows, labels, 3, { l2: 1e-2, iterations: 50, learningRate: 0.05 });
  const head = statisticsHeadFrom(baseline, 0.4);
  const expected = predictLogisticBaseline(baseline, rows);
  rows.forEach((row, i) => {
    const got = statisticsProbabilities(head, row);
    got.forEach((p, c) => assert.ok(Math.abs(p - expected[i][c]) < 1e-5, `row ${i} class ${c}: ${p} vs ${expected[i][c]}`));
  });
  const accuracy = rows.filter((row, i) => statisticsProbabilities(head, row).indexOf(Math.max(...statisticsProbabilities(head, row))) === labels[i]).length / rows.length;
  assert.ok(accuracy > 0.8, `the head learnt too little: accuracy ${accuracy}`);
  assert.throws(() => readStatisticsHead(head, 4), /sizes disagree/);
  assert.throws(() => readStatisticsHead({ ...head, weight: 1.5 }, 3), /weight/);
  assert.throws(() => statisticsProbabilities(head, [1, 2, 3]), /expected 6 statistics/);
});

test('a model with a statistics head round-trips through its folder and fuses only when given statistics', async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'timbre-fusion-'));
  const model = CnnLstmModel.create(TINY, 11);
  try {
    const random = new SeededRandom(5);
    const rows = Array.from({ length: 12 }, (_, i) => Float64Array.from({ length: 518 }, (_, j) => (j === i % 3 ? 3 : 0) + random.normal()));
    const head = statisticsHeadFrom(trainLogisticBaseline(rows, rows.map((_, i) => i % 3), 3, { l2: 1e-2, iterations: 20, learningRate: 0.05 }), 0.8);
    await writeModelFolder(path.join(folder, 'fused'), [model], { id: 'fused-test', version: '1', statisticsHead: head });
    await registerModel({ id: 'fused-test', version: '1', labels: TINY.labels, inputSpec: ANALYSIS_INPUT_SPEC, path: 'fused', default: true }, folder);
    const loaded = await readModelFolder(path.join(folder, 'fused'));
    assert.deepEqual(loaded.definition.statisticsHead, head);
    loaded.members.forEach((member) => member.dispose());

    const mel = { data: Float32Array.from({ length: 40 * 128 }, () => -40 + 10 * random.normal()), nFrames: 40, nBins: 128 };
    const classifier = await loadClassifier('fused-test', folder);
    try {
      assert.equal(classifier.usesStatistics, true);
      const networkOnly = classifier.classifyMel(mel);
      const fused = classifier.classifyMel(mel, rows[1]);
      const network = predictTrack(model, mel).probabilities;
      const expected = fuseProbabilities(network, statisticsProbabilities(head, rows[1]), head.weight);
      TINY.labels.forEach((label, c) => {
        assert.ok(Math.abs(networkOnly.probabilities[label] - network[c]) < 1e-4);
        assert.ok(Math.abs(fused.probabilities[label] - expected[c]) < 1e-4, `${label}: ${fused.probabilities[label]} vs ${expected[c]}`);
      });
      // The timeline and the embedding are the network's in both cases.
      assert.deepEqual(fused.segments, networkOnly.segments);
      assert.deepEqual(fused.embedding, networkOnly.embedding);
      assert.deepEqual(fused.probabilities, classifyWithModel(model, mel, { head, fma518: rows[1] }).probabilities);
    } finally {
      classifier.dispose();
    }
  } finally {
    model.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

/** Probabilities that put `confidence` on `top` and share the rest evenly. */
function peaked(top: number, confidence: number, classes = 3): number[] {
  return Array.from({ length: classes }, (_, c) => (c === top ? confidence : (1 - confidence) / (classes - 1)));
}

test('the weight choice favours the statistics when they are clearly the better source', () => {
  // 12 clips: the statistics are confidently right on every one; the network is right on a third
  // of them and confidently wrong on the rest.
  const truth = Array.from({ length: 12 }, (_, i) => i % 3);
  const statistics = truth.map((label) => peaked(label, 0.8));
  const network = truth.map((label, i) => (i % 3 === 0 ? peaked(label, 0.6) : peaked((label + 1) % 3, 0.9)));
  const choice = chooseStatisticsWeight(network, statistics, truth);
  assert.deepEqual(choice.grid, [...STATISTICS_WEIGHT_GRID]);
  assert.ok(choice.weight >= 0.8, `chose ${choice.weight}`);
  // The chosen weight has the lowest log-loss on the grid, and the losses are real means: at weight
  // 1 the fusion is the statistics' probabilities, sharpened by the temperature reported.
  assert.equal(choice.logLoss[choice.grid.indexOf(choice.weight)], Math.min(...choice.logLoss));
  const t = choice.temperature[choice.grid.length - 1];
  const sharpened = (p: number[]) => p.map((value) => value ** t / p.reduce((sum, other) => sum + other ** t, 0));
  const atOne = truth.reduce((sum, label, i) => sum - Math.log(sharpened(statistics[i])[label]), 0) / truth.length;
  assert.ok(t > 1, `the always-right statistics should be sharpened, got temperature ${t}`);
  assert.ok(Math.abs(choice.logLoss[choice.grid.length - 1] - atOne) < 1e-6, `${choice.logLoss[choice.grid.length - 1]} vs ${atOne}`);
  assert.equal(choice.accuracy[choice.grid.length - 1], 1);
  assert.equal(choice.accuracy[0], 1 / 3);

  // The mirror image picks a low statistics weight.
  assert.ok(chooseStatisticsWeight(statistics, network, truth).weight <= 0.2);
});

test('ties in the weight choice go to the weight nearest the even split, then to the smaller one', () => {
  const truth = [0, 1, 2];
  const same = truth.map((label) => peaked(label, 0.7));
  // Identical sources: every weight fuses to the same probabilities.
  assert.equal(chooseStatisticsWeight(same, same, truth).weight, DEFAULT_STATISTICS_WEIGHT);
  // Two equally good weights either side of 0.5 (the grid decides only by the loss): the smaller wins,
  // whatever the grid's order.
  assert.equal(chooseStatisticsWeight(same, same, truth, [0.8, 0.2]).weight, 0.2);
  assert.equal(chooseStatisticsWeight(same, same, truth, [0.2, 0.8]).weight, 0.2);
  assert.equal(chooseStatisticsWeight(same, same, truth, [0.7, 0.3]).weight, 0.3);
  assert.throws(() => chooseStatisticsWeight(same, same, [0, 1]), /one prediction/);
});

test("the classifier fuses with model.json's statistics weight, and with 0.5 where an older model.json has none", async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'timbre-fusion-weight-'));
  const model = CnnLstmModel.create(TINY, 5);
  try {
    const dims = 518;
    const head: StatisticsHead = {
      features: 'fma518',
      weight: 0.9,
      mean: new Array(dims).fill(0),
      std: new Array(dims).fill(1),
      kernel: Array.from({ length: dims * 3 }, (_, k) => (k % 3 === 0 ? 0.01 : k % 3 === 1 ? -0.01 : 0)),
      bias: [0.2, -0.1, 0.3],
    };
    const fma518 = Array.from({ length: dims }, (_, j) => Math.sin(j));
    const mel = { data: Float32Array.from({ length: 40 * 128 }, (_, k) => -40 + 10 * Math.sin(k / 7)), nFrames: 40, nBins: 128 };
    await writeModelFolder(path.join(folder, 'new'), [model], { id: 'new', version: '1', statisticsHead: head });
    await writeModelFolder(path.join(folder, 'old'), [model], { id: 'old', version: '1', statisticsHead: head });
    // An older model.json: the same head without a weight.
    const oldJson = path.join(folder, 'old', 'model.json');
    const definition = JSON.parse(await readFile(oldJson, 'utf8'));
    delete definition.statisticsHead.weight;
    await writeFile(oldJson, JSON.stringify(definition));
    for (const id of ['new', 'old']) {
      await registerModel({ id, version: '1', labels: TINY.labels, inputSpec: ANALYSIS_INPUT_SPEC, path: id }, folder);
    }

    const old = await readModelFolder(path.join(folder, 'old'));
    old.members.forEach((member) => member.dispose());
    assert.equal(old.definition.statisticsHead?.weight, DEFAULT_STATISTICS_WEIGHT);

    const network = classifyWithModel(model, mel).probabilities;
    const statistics = statisticsProbabilities(head, fma518);
    for (const [id, weight] of [['new', 0.9], ['old', DEFAULT_STATISTICS_WEIGHT]] as const) {
      const classifier = await loadClassifier(id, folder);
      try {
        const fused = classifier.classifyMel(mel, fma518).probabilities;
        const expected = fuseProbabilities(TINY.labels.map((label) => network[label]), statistics, weight);
        TINY.labels.forEach((label, c) => assert.ok(Math.abs(fused[label] - expected[c]) < 1e-3, `${id} ${label}: ${fused[label]} vs ${expected[c]}`));
      } finally {
        classifier.dispose();
      }
    }
  } finally {
    model.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

test('the nested weight choice predicts each training clip when its artist is held out, and trusts the informative source', async () => {
  // 18 artists, one clip each: log-mels of pure noise (nothing for the network to learn) and
  // statistics that carry the label.
  const random = new SeededRandom(9);
  const items: DatasetItem[] = Array.from({ length: 18 }, (_, i) => {
    const mel = { data: Float32Array.from({ length: 40 * 128 }, () => -40 + 10 * random.normal()), nFrames: 40, nBins: 128 };
    return { file: `clip${i}.wav`, label: i % 3, group: `artist${i}`, mel, trainingMel: mel };
  });
  const statistics = items.map((item) => Float64Array.from({ length: 518 }, (_, j) => (j === item.label ? 4 : 0) + random.normal()));
  const selection = await selectStatisticsWeight(items, statistics, statistics.map((row) => [row]), TINY.labels, {
    innerFolds: 3,
    members: 1,
    train: { ...DEFAULT_TRAIN_OPTIONS, seed: 4, maxEpochs: 1, minEpochs: 1, batchSequences: 6 },
    config: TINY,
  });
  assert.equal(selection.epochsPerInnerFold.length, 3);
  // Held-out predictions come inner fold after inner fold, each clip once.
  const innerFold = groupedFolds(items, 3, 4, TINY.labels.length);
  assert.deepEqual(selection.heldOut.truth, [0, 1, 2].flatMap((fold) => items.filter((_, i) => innerFold[i] === fold).map((item) => item.label)));
  assert.equal(selection.heldOut.network.length, items.length);
  assert.ok(STATISTICS_WEIGHT_GRID.includes(selection.weight));
  assert.ok(selection.weight >= 0.7, `chose ${selection.weight}: ${selection.logLoss.map((loss) => loss.toFixed(3))}`);
});

test('the library dataset labels tracks by confirmed genre, else by a known tag genre, grouped by artist', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'timbre-libset-'));
  const db = openDatabase(':memory:');
  try {
    const folder = new FoldersRepo(db).add(dir);
    const tracks = new TracksRepo(db);
    const genres = new GenresRepo(db);
    const add = async (name: string, tags: { artist: string | null; genres: string[] }, confirmed: string[] = [], options: { status?: 'done' | 'error'; file?: boolean } = {}) => {
      const file = path.join(dir, name);
      if (options.file !== false) await writeFile(file, '');
      const id = tracks.insert({ folderId: folder.id, path: file, size: 0, mtimeMs: 0, fingerprint: null, status: options.status ?? 'done', error: null });
      tracks.setTags(id, { title: name, artist: tags.artist, album: null, year: null, genres: tags.genres, durationSec: 200, bitrate: null, sampleRate: null });
      genres.setConfirmedRows(
        id,
        confirmed.map((genre) => ({ genreId: genres.resolveOrCreate(genre).id, source: 'user' as const, confirmedAt: 0 })),
      );
      return file;
    };
    const jazz = await add('1.mp3', { artist: 'Ann', genres: ['Rock'] }, ['Jazz', 'Rock']); // confirmed wins over the tag
    await add('2.mp3', { artist: 'Ann', genres: ['jazz'] }); // tag, canonicalised
    await add('3.mp3', { artist: 'Bo', genres: ['Favourites', 'Rock Music'] }); // first *known* tag genre
    await add('4.mp3', { artist: null, genres: ['rock'] });
    await add('5.mp3', { artist: 'Cy', genres: ['Favourites'] }); // no genre
    await add('6.mp3', { artist: 'Cy', genres: ['Rock'] }, [], { status: 'error' });
    await add('7.mp3', { artist: 'Cy', genres: ['Rock'] }, [], { file: false });
    await add('8.mp3', { artist: 'Di', genres: [] }, ['Polka']); // a user-invented genre, but only one track

    const dataset = libraryDataset(db, { minTracksPerGenre: 2 });
    assert.deepEqual(dataset.labels, ['Jazz', 'Rock']);
    assert.deepEqual(
      dataset.clips.map((clip) => [path.basename(clip.file), clip.label, clip.group]),
      [
        ['1.mp3', 'Jazz', 'artist:ann'],
        ['2.mp3', 'Jazz', 'artist:ann'],
        ['3.mp3', 'Rock', 'artist:bo'],
        ['4.mp3', 'Rock', `file:${path.join(dir, '4.mp3')}`],
      ],
    );
    assert.equal(dataset.clips[0].file, jazz);
    assert.equal(dataset.clips[0].durationSec, 200);
    assert.equal(dataset.confirmed, 1);
    assert.equal(dataset.groupedByArtist, false);
    assert.deepEqual(dataset.skipped, { unlabelled: 1, failedAnalysis: 1, missingFile: 1, rareGenre: { Polka: 1 } });
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
