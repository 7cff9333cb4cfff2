import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { logMelSpectrogram } from '../../core/features/analyze.js';
import { initBackend } from '../../core/ml/backend.js';
import type { CnnLstmConfig } from '../../core/ml/model.js';
import { SeededRandom } from '../../core/ml/random.js';
import { DEFAULT_TRAIN_OPTIONS, EarlyStopping, trainCnnLstm, type TrainingClip } from '../../core/ml/train.js';

const TINY: CnnLstmConfig = {
  labels: ['tonal', 'noise'],
  nMels: 128,
  patchFrames: 32,
  sequencePatches: 2,
  inputPool: { frames: 2, bands: 2 },
  conv: [{ kernel: 3, filters: 6, pool: 2 }],
  lstmUnits: 6,
  dropout: 0,
};

/** Sine chords (label 0) or white noise (label 1), 1.5 s each; `flipLabels` mislabels every clip. */
function clips(count: number, seed: number, flipLabels = false): TrainingClip[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 2;
    const y = new Float32Array(Math.round(1.5 * 22050));
    const f = 110 * 2 ** (random.next() * 4);
    for (let n = 0; n < y.length; n++) y[n] = kind === 0 ? 0.2 * Math.sin((2 * Math.PI * f * n) / 22050) : 0.2 * (2 * random.next() - 1);
    return { label: flipLabels ? 1 - kind : kind, mel: logMelSpectrogram(y) };
  });
}

before(async () => {
  await initBackend();
});

test('early stopping waits `patience` epochs without a lower validation loss, and never before minEpochs', () => {
  const run = (losses: number[], patience: number, minEpochs: number) => {
    const stopping = new EarlyStopping(patience, minEpochs);
    for (const [i, loss] of losses.entries()) if (stopping.update(i + 1, loss).stop) return { stoppedAt: i + 1, best: stopping.bestEpoch };
    return { stoppedAt: null, best: stopping.bestEpoch };
  };
  assert.deepEqual(run([1.0, 0.9, 0.95, 0.92, 0.5], 2, 0), { stoppedAt: 4, best: 2 });
  assert.deepEqual(run([1.0, 0.9, 0.95, 0.85, 0.86, 0.8], 2, 0), { stoppedAt: null, best: 6 });
  assert.deepEqual(run([1.0, 1.1, 1.2, 1.3, 0.9], 2, 4), { stoppedAt: 4, best: 1 });
  // An equal loss is no improvement.
  assert.deepEqual(run([1.0, 1.0, 1.0], 2, 0), { stoppedAt: 3, best: 1 });
});

test('training stops once the validation loss has not improved for `patience` epochs, halving the learning rate on each', async () => {
  // Validation clips with the opposite labels: the better the network learns, the worse the
  // validation loss, so early stopping must end training long before maxEpochs.
  const result = await trainCnnLstm(TINY, clips(12, 1), clips(4, 2, true), {
    ...DEFAULT_TRAIN_OPTIONS,
    seed: 3,
    maxEpochs: 30,
    minEpochs: 0,
    batchSequences: 6,
    learningRate: 1e-2,
    maxFrequencyMask: 4,
    maxTimeMask: 4,
  });
  try {
    const losses = result.epochs.map((epoch) => epoch.valLoss);
    assert.ok(result.epochs.length < 30, `did not stop early: ${losses.map((l) => l.toFixed(3))}`);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    assert.equal(result.bestEpoch, best);
    assert.equal(result.epochs.length - best, DEFAULT_TRAIN_OPTIONS.patience);
    // The rate in force during each epoch after the best one is half the previous epoch's.
    for (let epoch = best + 1; epoch < result.epochs.length; epoch++) {
      assert.equal(result.epochs[epoch].learningRate, result.epochs[epoch - 1].learningRate / 2);
    }
  } finally {
    result.model.dispose();
  }
});
