import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../core/ml/backend.js';
import { classifyWithModel, loadClassifier } from '../../core/ml/classifier.js';
import { chooseStatisticsWeight, DEFAULT_STATISTICS_WEIGHT, fuseProbabilities, STATISTICS_WEIGHT_GRID, statisticsProbabilities, type StatisticsHead } from '../../core/ml/fusion.js';
import { ANALYSIS_INPUT_SPEC } from '../../core/ml/input-spec.js';
import { CnnLstmModel, type CnnLstmConfig } from '../../core/ml/model.js';
import { readModelFolder, registerModel, writeModelFolder } from '../../core/ml/registry.js';

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
  // The chosen weight has the lowest log-loss on the grid, and the losses are real means.
  assert.equal(choice.logLoss[choice.grid.indexOf(choice.weight)], Math.min(...choice.logLoss));
  const atOne = truth.reduce((sum, label, i) => sum - Math.log(fuseProbabilities(network[i], statistics[i], 1)[label]), 0) / truth.length;
  assert.ok(Math.abs(choice.logLoss[choice.grid.length - 1] - atOne) < 1e-6);
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
