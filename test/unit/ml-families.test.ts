import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../core/ml/backend.js';
import { predictLogisticBaseline } from '../../core/ml/baseline.js';
import {
  applyTemperature,
  chooseUnsureThreshold,
  expectedCalibrationError,
  fitTemperature,
  topFamilyHitRate,
} from '../../core/ml/calibration.js';
import { loadClassifier } from '../../core/ml/classifier.js';
import { parseAllMusicMetadata, parseFamilySourceSpec, readFamilyDataset } from '../../core/ml/family-dataset.js';
import { crossValidateFamilies, reportFamilyModel, teacherFamilies, trainFamilyModels, type FamilyItem } from '../../core/ml/family-experiment.js';
import { fuseProbabilities } from '../../core/ml/fusion.js';
import { backboneHeadFrom, backboneRow, familyHeadFrom, linearHeadProbabilities } from '../../core/ml/heads.js';
import { ANALYSIS_INPUT_SPEC } from '../../core/ml/input-spec.js';
import { CnnLstmModel, type CnnLstmConfig } from '../../core/ml/model.js';
import { SeededRandom } from '../../core/ml/random.js';
import { registerModel, writeModelFolder } from '../../core/ml/registry.js';
import { rowWeights, trainSetLogistic } from '../../core/ml/set-logistic.js';
import { GENRE_FAMILY_IDS } from '../../core/genres/tree.js';
import { toneSamples, writeWav } from '../helpers/audio.js';

const family = (id: string) => GENRE_FAMILY_IDS.indexOf(id);

before(async () => {
  await initBackend();
});

test('AllMusic genres become family sets: an umbrella genre is one set of its members, origins add nothing', () => {
  const text = [
    'file\tartist\ttitle\tgenres\tquadrant',
    'clips/a.opus\tThe Band\tA\tPop/Rock\tQ1',
    'clips/b.opus\tSomeone\tB\tJazz;International\tQ4',
    'clips/c.opus\tComic\tC\tComedy/Spoken\tQ3',
    'clips/d.opus\tTHE BAND\tD\tR&B;Rap\tQ2',
  ].join('\n');
  const clips = parseAllMusicMetadata(text, '/data');
  assert.deepEqual(clips[0].familyIds, ['pop', 'rock', 'metal', 'punk']);
  assert.deepEqual(clips[1].familyIds, ['jazz']);
  assert.deepEqual(clips[2].familyIds, []);
  assert.deepEqual(clips[3].familyIds, ['rnb-soul', 'hip-hop']);
  assert.equal(clips[0].file, path.join('/data', 'clips/a.opus'));
  // One artist, however a dataset capitalises the name, is one group.
  assert.equal(clips[0].group, clips[3].group);
  assert.throws(() => parseAllMusicMetadata('file\tgenres\nx\tJazz', '/data'), /expected columns/);
});

test('--data FAMILY=DIR names one family; an unknown family is refused', () => {
  assert.deepEqual(parseFamilySourceSpec('soundtrack=/music/games'), { root: '/music/games', family: 'soundtrack' });
  assert.deepEqual(parseFamilySourceSpec('/plain/folder'), { root: '/plain/folder' });
  assert.throws(() => parseFamilySourceSpec('chiptunez=/x'), /not a genre family/);
});

test('a family folder groups by its subfolders and reads durations; genre folders map onto the tree', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'timbre-families-'));
  try {
    for (const [folder, name] of [['games/one', 'a.wav'], ['games/one/deeper', 'b.wav'], ['games/two', 'c.wav'], ['genres/rock', 'r.wav'], ['genres/classical', 'k.wav']]) {
      mkdirSync(path.join(dir, folder), { recursive: true });
      writeWav(path.join(dir, folder, name), toneSamples(2));
    }
    const dataset = await readFamilyDataset([{ root: path.join(dir, 'games'), family: 'soundtrack' }, { root: path.join(dir, 'genres') }]);
    assert.equal(dataset.clips.length, 5);
    const games = dataset.clips.filter((clip) => clip.source === 0);
    assert.deepEqual(games.map((clip) => clip.group), ['soundtrack:one', 'soundtrack:one', 'soundtrack:two']);
    assert.ok(games.every((clip) => clip.families.length === 1 && clip.families[0] === family('soundtrack')));
    assert.ok(games.every((clip) => Math.abs((clip.durationSec ?? 0) - 2) < 0.05), 'durations read from the files');
    assert.deepEqual(dataset.sources[1].genres, ['classical', 'rock']);
    assert.deepEqual(dataset.clips.filter((clip) => clip.source === 1).map((clip) => clip.families), [[family('classical')], [family('rock')]]);
    for (const genre of ['polka-ish', 'rock']) {
      mkdirSync(path.join(dir, 'odd', genre), { recursive: true });
      writeWav(path.join(dir, 'odd', genre, 'x.wav'), toneSamples(1));
    }
    await assert.rejects(readFamilyDataset([{ root: path.join(dir, 'odd') }]), /not in the genre tree/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Rows whose first features say their family; `umbrella` rows carry the whole set {0, 1}. */
function syntheticRows(seed: number, n: number) {
  const random = new SeededRandom(seed);
  const rows: Float64Array[] = [];
  const sets: number[][] = [];
  for (let i = 0; i < n; i++) {
    const truth = i % 3;
    rows.push(Float64Array.from({ length: 8 }, (_, j) => (j === truth ? 2.5 : 0) + random.normal()));
    sets.push(truth < 2 && i % 4 === 0 ? [0, 1] : [truth]);
  }
  return { rows, sets };
}

test('the set logistic regression puts the mass inside each row\'s set, and an umbrella row does not pick a member', () => {
  const { rows, sets } = syntheticRows(4, 90);
  const model = trainSetLogistic(rows, sets, 4, { l2: 1e-2, iterations: 150, learningRate: 0.05, balance: 0.5 });
  const probabilities = predictLogisticBaseline(model, rows);
  assert.ok(topFamilyHitRate(probabilities, sets).rate > 0.9);
  // Class 3 has no rows: it gets (almost) no mass.
  assert.ok(probabilities.every((row) => row[3] < 0.05));
  // Singletons of family 0 still learn family 0 (not just "0 or 1"): the umbrella rows do not blur them.
  const zeros = rows.map((_, i) => i).filter((i) => sets[i].length === 1 && sets[i][0] === 0);
  assert.ok(zeros.every((i) => probabilities[i][0] > probabilities[i][1]));
  assert.throws(() => trainSetLogistic(rows, sets.map(() => []), 4), /at least one family/);
  // Balance: 0 weighs rows alike; 1 weighs the rare family's rows up.
  assert.deepEqual(rowWeights([[0], [0], [0], [1]], 2, 0), [1, 1, 1, 1]);
  const balanced = rowWeights([[0], [0], [0], [1]], 2, 1);
  assert.ok(Math.abs(balanced[3] / balanced[0] - 3) < 1e-9);
});

test('hit rate, ECE, temperature and the unsure threshold on held-out predictions', () => {
  const sets = [[0], [1], [0, 1], [2], []];
  const probabilities = [
    [0.9, 0.05, 0.05],
    [0.6, 0.3, 0.1],
    [0.2, 0.7, 0.1],
    [0.1, 0.1, 0.8],
    [0.5, 0.3, 0.2],
  ];
  assert.deepEqual(topFamilyHitRate(probabilities, sets), { hits: 3, n: 4, rate: 0.75 });
  // Bins: 0.9 (hit), 0.6 (miss), 0.7 (hit), 0.8 (hit) each alone: |1 − 0.9| + |0 − 0.6| + |1 − 0.7| + |1 − 0.8|, over 4.
  assert.ok(Math.abs(expectedCalibrationError(probabilities, sets) - (0.1 + 0.6 + 0.3 + 0.2) / 4) < 1e-9);
  // Over-confident predictions (half right at 0.99) are flattened; under-confident right ones sharpened.
  const overSets = Array.from({ length: 40 }, (_, i) => [i % 2]);
  const over = overSets.map(() => [0.99, 0.01]);
  assert.ok(fitTemperature(over, overSets) < 0.5);
  const under = overSets.map((set) => (set[0] === 0 ? [0.6, 0.4] : [0.4, 0.6]));
  assert.ok(fitTemperature(under, overSets) > 2);
  const scaled = applyTemperature([0.6, 0.4], 2);
  assert.ok(Math.abs(scaled[0] - 0.36 / 0.52) < 1e-6);
  // Named clips must be right 80 % of the time: the misses sit at 0.55–0.65, so the threshold rises above them.
  const confidences = [0.95, 0.9, 0.85, 0.8, 0.75, 0.65, 0.6, 0.55, 0.5, 0.45];
  const hits = [true, true, true, true, true, false, false, false, true, false];
  const rows = confidences.map((p, i) => (hits[i] ? [p, 1 - p] : [p, 1 - p]));
  const truth = hits.map((hit) => (hit ? [0] : [1]));
  const choice = chooseUnsureThreshold(rows, truth, 0.8, [0.5, 0.6, 0.7, 0.8]);
  assert.equal(choice.threshold, 0.7);
  assert.equal(choice.namedHitRate, 1);
  assert.equal(choice.namedShare, 0.5);
});

test('family cross-validation never trains on a held-out group, and reports calibration fitted on other folds', async () => {
  const { rows, sets } = syntheticRows(9, 120);
  const items: FamilyItem[] = rows.map((row, i) => ({ group: `artist:${i % 24}`, families: i % 30 === 29 ? [] : sets[i], statistics: row, trainingStatistics: [row] }));
  const recipe = { network: null, statistics: { l2: 1e-2, iterations: 60, learningRate: 0.05, balance: 0.5 }, statisticsWeight: 0.5, backbone: null };
  const labels = ['a', 'b', 'c', 'd'];
  const cv = await crossValidateFamilies(items, labels, 4, 1, recipe);
  for (let g = 0; g < 24; g++) assert.equal(new Set(items.map((item, i) => (item.group === `artist:${g}` ? cv.assignment[i] : -1)).filter((f) => f >= 0)).size, 1);
  const dataset = {
    labels,
    sources: [{ root: '/synthetic', layout: 'allmusic-metadata' as const, singleLabel: false, groupedByArtist: true }],
    clips: items.map((item, i) => ({ file: `${i}`, label: '', group: item.group, families: item.families, source: 0 })),
  };
  const report = reportFamilyModel(dataset, cv.predictions.default!, cv.assignment, 4);
  assert.ok(report.hitRate.rate > 0.85, `hit rate ${report.hitRate.rate}`);
  assert.equal(report.hitRate.n, items.filter((item) => item.families.length).length);
  assert.equal(report.perFold.length, 4);
  assert.ok(report.ece.calibrated >= 0 && report.ece.calibrated < 0.2);
  assert.ok(report.shipped.threshold >= 0.15 && report.shipped.threshold <= 0.95);
});

const TINY: CnnLstmConfig = {
  labels: ['x', 'y'],
  nMels: 128,
  patchFrames: 16,
  sequencePatches: 2,
  inputPool: { frames: 2, bands: 2 },
  conv: [{ kernel: 3, filters: 4, pool: 1 }],
  lstmUnits: 4,
  dropout: 0,
};

test('a family-head model names families from the statistics, calibrated, and fuses a backbone head when given its features', async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'timbre-family-model-'));
  const network = CnnLstmModel.create(TINY, 3);
  try {
    const random = new SeededRandom(2);
    const labels = ['pop', 'jazz', 'soundtrack'];
    const statistics = Array.from({ length: 30 }, (_, i) => Float64Array.from({ length: 518 }, (_, j) => (j === i % 3 ? 3 : 0) + random.normal()));
    const sets = statistics.map((_, i) => [i % 3]);
    const familyHead = familyHeadFrom(trainSetLogistic(statistics, sets, 3, { l2: 1e-2, iterations: 30, learningRate: 0.05, balance: 0.5 }), labels, statistics);
    assert.ok(familyHead.atypicalityLimit! > 0.5 && familyHead.atypicalityLimit! < 2, `limit ${familyHead.atypicalityLimit}`);
    const backboneRows = statistics.map((_, i) => Float64Array.from({ length: 6 }, (_, j) => (j === 2 - (i % 3) ? 2 : 0) + random.normal()));
    const backboneHead = backboneHeadFrom(trainSetLogistic(backboneRows, sets, 3, { l2: 1e-2, iterations: 30, learningRate: 0.05, balance: 0.5 }), {
      backbone: 'test-backbone',
      tags: 2,
      embedding: 4,
      weight: 0.6,
      temperature: 1.5,
      unsureThreshold: 0.45,
    });
    await writeModelFolder(path.join(folder, 'families'), [network], { id: 'families', version: '2', familyHead, backboneHead, temperature: 0.8, unsureThreshold: 0.35 });
    await registerModel({ id: 'families', version: '2', labels, inputSpec: ANALYSIS_INPUT_SPEC, path: 'families', default: true }, folder);
    const classifier = await loadClassifier(undefined, folder);
    try {
      assert.deepEqual(classifier.labels, labels);
      assert.deepEqual(classifier.segmentLabels, TINY.labels);
      assert.equal(classifier.requiresStatistics, true);
      assert.equal(classifier.backbone, 'test-backbone');
      assert.equal(classifier.unsureThreshold, 0.35);
      const mel = { data: Float32Array.from({ length: 40 * 128 }, () => -40 + 10 * random.normal()), nFrames: 40, nBins: 128 };
      assert.throws(() => classifier.classifyMel(mel), /MIR statistics/);
      // Similarity needs only the embedding, which is the network's.
      assert.deepEqual(classifier.embedMel(mel), classifier.classifyMel(mel, statistics[1]).embedding);
      const plain = classifier.classifyMel(mel, statistics[1]);
      const expected = applyTemperature(linearHeadProbabilities(familyHead, statistics[1]), 0.8);
      labels.forEach((label, c) => assert.ok(Math.abs(plain.probabilities[label] - expected[c]) < 1e-4));
      assert.equal(plain.genre, 'jazz');
      assert.equal(plain.backbone, null);
      assert.equal(plain.unsureThreshold, 0.35);
      assert.equal(plain.outsideTraining, false);
      // Statistics far from every training clip's: never named, whatever the probabilities.
      const odd = classifier.classifyMel(mel, statistics[1].map((value) => value * 8 + 5));
      assert.equal(odd.outsideTraining, true);
      assert.ok(odd.unsureThreshold > 1);
      assert.ok(plain.segments.every((segment) => segment.genre === null || TINY.labels.includes(segment.genre)));
      const tags = backboneRows[1].subarray(0, 2);
      const embedding = backboneRows[1].subarray(2);
      const fused = classifier.classifyMel(mel, statistics[1], { modelId: 'test-backbone', tags, embedding });
      const fusedExpected = applyTemperature(fuseProbabilities(expected, linearHeadProbabilities(backboneHead, backboneRow(tags, embedding)), 0.6), 1.5);
      labels.forEach((label, c) => assert.ok(Math.abs(fused.probabilities[label] - fusedExpected[c]) < 1e-4));
      assert.equal(fused.backbone, 'test-backbone');
      assert.equal(fused.unsureThreshold, 0.45);
      // Another backbone's features are not this head's: ignored.
      const other = classifier.classifyMel(mel, statistics[1], { modelId: 'another', tags, embedding });
      assert.deepEqual(other.probabilities, plain.probabilities);
    } finally {
      classifier.dispose();
    }
    await writeModelFolder(path.join(folder, 'bad'), [network], { id: 'bad', version: '1', familyHead: { ...familyHead, bias: [0] } });
    await registerModel({ id: 'bad', version: '1', labels, inputSpec: ANALYSIS_INPUT_SPEC, path: 'bad' }, folder);
    await assert.rejects(loadClassifier('bad', folder), /family head: sizes disagree/);
  } finally {
    network.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

test('the teacher\'s tags land on the families through the tree, and distillation pulls the head towards them', async () => {
  const ids = ['rock', 'metal', 'jazz', 'funk'];
  const teacher = teacherFamilies([0.8, 0.4, 0.2, 0.9], ['rock', 'heavy metal', 'jazz', 'sexy'], ids);
  assert.deepEqual(Array.from(teacher, (p) => +p.toFixed(4)), [0.5714, 0.2857, 0.1429, 0]);
  assert.deepEqual(Array.from(teacherFamilies([0.5], ['catchy'], ids)), [0.25, 0.25, 0.25, 0.25]);
  // Every row is labelled "rock or metal"; the teacher says metal when feature 0 is high.
  const random = new SeededRandom(12);
  const items: FamilyItem[] = Array.from({ length: 60 }, (_, i) => {
    const row = Float64Array.from({ length: 4 }, (_, j) => (j === 0 && i % 2 ? 2 : 0) + random.normal());
    return { group: `g${i}`, families: [0, 1], statistics: row, trainingStatistics: [row], teacher: Float32Array.from(i % 2 ? [0.1, 0.9, 0, 0] : [0.9, 0.1, 0, 0]) };
  });
  const recipe = { network: null, statistics: { l2: 1e-3, iterations: 150, learningRate: 0.05, balance: 0 }, statisticsWeight: 0.5, backbone: null };
  const metalShare = async (distillation: number) => {
    const models = await trainFamilyModels(items, ids, { ...recipe, distillation });
    const probabilities = predictLogisticBaseline(models.statisticsHead, items.map((item) => item.statistics));
    return probabilities.filter((_, i) => i % 2).reduce((sum, row) => sum + row[1] / (row[0] + row[1]), 0) / 30;
  };
  const without = await metalShare(0);
  const withTeacher = await metalShare(0.5);
  assert.ok(withTeacher > without + 0.2, `metal share among the teacher's metal rows: ${without.toFixed(2)} → ${withTeacher.toFixed(2)}`);
  await assert.rejects(trainFamilyModels(items.map(({ teacher: _teacher, ...item }) => item), ids, { ...recipe, distillation: 0.5 }), /teacher/);
});
