import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../core/ml/backend.js';
import { classifyWithModel, loadClassifier } from '../../core/ml/classifier.js';
import { logMelSpectrogram } from '../../core/features/analyze.js';
import { copyPatches, patchStarts, poolPatches, predictTrack, sequenceWindows } from '../../core/ml/inference.js';
import { ANALYSIS_INPUT_SPEC } from '../../core/ml/input-spec.js';
import { CnnLstmModel, type CnnLstmConfig } from '../../core/ml/model.js';
import { SeededRandom } from '../../core/ml/random.js';
import { InputSpecMismatchError, loadRegisteredModel, readModelFolder, registerModel, writeModelFolder } from '../../core/ml/registry.js';
import { DEFAULT_TRAIN_OPTIONS, trainCnnLstm, type TrainingClip } from '../../core/ml/train.js';

const SR = ANALYSIS_INPUT_SPEC.sampleRate;

/** A small model of the same architecture: 0.74-s patches, 2-patch sequences, thin convolutions. */
const SMALL: CnnLstmConfig = {
  labels: ['tonal', 'noise'],
  nMels: 128,
  patchFrames: 32,
  sequencePatches: 2,
  inputPool: { frames: 2, bands: 2 },
  conv: [
    { kernel: 3, filters: 8, pool: 2 },
    { kernel: 3, filters: 8, pool: 1 },
  ],
  lstmUnits: 8,
  dropout: 0.1,
};

/** Synthesized clips: chords of sines (class 0) or white noise (class 1), random levels. */
function synthesizedClip(kind: 0 | 1, seconds: number, random: SeededRandom): Float32Array {
  const y = new Float32Array(Math.round(seconds * SR));
  const level = 0.05 + 0.2 * random.next();
  if (kind === 0) {
    const freqs = [0, 1, 2].map(() => 110 * 2 ** (random.next() * 4));
    for (let i = 0; i < y.length; i++) y[i] = level * freqs.reduce((sum, f) => sum + Math.sin((2 * Math.PI * f * i) / SR), 0) / 3;
  } else {
    for (let i = 0; i < y.length; i++) y[i] = level * (2 * random.next() - 1);
  }
  return y;
}

function dataset(count: number, seed: number): TrainingClip[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const label = (i % 2) as 0 | 1;
    return { label, mel: logMelSpectrogram(synthesizedClip(label, 2.5, random)) };
  });
}

before(async () => {
  await initBackend();
});

test('the CNN-LSTM builds, trains on synthesized audio, and its loss falls', async () => {
  const result = await trainCnnLstm(SMALL, dataset(12, 1), dataset(4, 2), {
    ...DEFAULT_TRAIN_OPTIONS,
    seed: 5,
    maxEpochs: 6,
    patience: 6,
    batchSequences: 6,
    windowsPerClip: 2,
    learningRate: 1e-2,
    maxFrequencyMask: 4,
    maxTimeMask: 4,
  });
  const losses = result.epochs.map((epoch) => epoch.loss);
  assert.equal(losses.length, 6);
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[losses.length - 1] < 0.6 * losses[0], `loss did not fall: ${losses.map((l) => l.toFixed(3))}`);
  const test = dataset(6, 3);
  const correct = test.filter((clip) => {
    const p = predictTrack(result.model, clip.mel).probabilities;
    return (p[1] > p[0] ? 1 : 0) === clip.label;
  }).length;
  assert.ok(correct >= 5, `only ${correct}/6 held-out synthesized clips classified correctly`);
  result.model.dispose();
});

test('training with the same seed is reproducible', async () => {
  const options = { ...DEFAULT_TRAIN_OPTIONS, seed: 9, maxEpochs: 2, patience: 2, batchSequences: 4, windowsPerClip: 1 };
  const [a, b] = [await trainCnnLstm(SMALL, dataset(4, 1), dataset(2, 2), options), await trainCnnLstm(SMALL, dataset(4, 1), dataset(2, 2), options)];
  assert.deepEqual(
    a.epochs.map((epoch) => epoch.loss),
    b.epochs.map((epoch) => epoch.loss),
  );
  assert.deepEqual(a.model.toArrays(), b.model.toArrays());
  a.model.dispose();
  b.model.dispose();
});

test('a saved model loads back with identical outputs', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-ml-'));
  try {
    const model = CnnLstmModel.create(SMALL, 3);
    model.setNormalisation(new Float32Array(64).fill(-30), new Float32Array(64).fill(12));
    const mel = dataset(1, 4)[0].mel;
    const before = predictTrack(model, mel);
    await writeModelFolder(path.join(directory, 'small'), [model], { id: 'small', version: 't1' });
    const { members, definition } = await readModelFolder(path.join(directory, 'small'));
    assert.equal(definition.id, 'small');
    assert.equal(members.length, 1);
    const loaded = members[0];
    const after = predictTrack(loaded, mel);
    assert.deepEqual(after.probabilities, before.probabilities);
    assert.deepEqual(after.segmentProbabilities, before.segmentProbabilities);
    assert.deepEqual(after.embedding, before.embedding);
    assert.deepEqual(loaded.toArrays(), model.toArrays());
    model.dispose();
    loaded.dispose();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('the registry refuses a model whose input spec differs from the analysis parameters', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-registry-'));
  try {
    const model = CnnLstmModel.create(SMALL, 1);
    const second = CnnLstmModel.create(SMALL, 2);
    await writeModelFolder(path.join(directory, 'ok'), [model, second], { id: 'ok', version: '1' });
    second.dispose();
    await writeModelFolder(path.join(directory, 'other-hop'), [model], { id: 'other-hop', version: '1', inputSpec: { ...ANALYSIS_INPUT_SPEC, hopLength: 256 } });
    model.dispose();
    await registerModel({ id: 'ok', version: '1', labels: SMALL.labels, inputSpec: ANALYSIS_INPUT_SPEC, path: 'ok', default: true }, directory);
    await registerModel({ id: 'other-hop', version: '1', labels: SMALL.labels, inputSpec: { ...ANALYSIS_INPUT_SPEC, hopLength: 256 }, path: 'other-hop' }, directory);
    await registerModel({ id: 'other-mels', version: '1', labels: SMALL.labels, inputSpec: { ...ANALYSIS_INPUT_SPEC, nMels: 96 }, path: 'ok' }, directory);

    await assert.rejects(loadRegisteredModel('other-hop', directory), (error: unknown) => {
      assert.ok(error instanceof InputSpecMismatchError);
      assert.match(error.message, /hopLength: model expects 256, analysis gives 512/);
      return true;
    });
    await assert.rejects(loadRegisteredModel('other-mels', directory), /nMels: model expects 96, analysis gives 128/);
    await assert.rejects(loadRegisteredModel('missing', directory), /no model 'missing'/);

    const classifier = await loadClassifier(undefined, directory);
    assert.equal(classifier.modelId, 'ok');
    const prediction = classifier.classifyMel(dataset(1, 5)[0].mel);
    const top = prediction.candidates[0].genre;
    assert.ok(SMALL.labels.includes(top));
    assert.equal(prediction.genre, prediction.confidence >= classifier.unsureThreshold ? top : null, 'named only at the threshold');
    const total = Object.values(prediction.probabilities).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-3);
    assert.equal(prediction.confidence, prediction.probabilities[top]);
    assert.ok(prediction.segments.length >= 3);
    assert.equal(prediction.embedding.length, 2 * SMALL.lstmUnits, 'an ensemble of two concatenates two embeddings');
    assert.ok(Math.abs(Math.hypot(...prediction.embedding) - 1) < 1e-5);
    classifier.dispose();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('tracks are cut into consecutive patches and ~30-s LSTM windows', () => {
  assert.deepEqual(patchStarts(100, 128), [0]);
  assert.deepEqual(patchStarts(300, 128), [0, 128]);
  assert.deepEqual(patchStarts(330, 128), [0, 128, 202], 'a tail of ≥ half a patch gets a patch aligned to the end');
  assert.deepEqual(sequenceWindows(3, 10), [[0, 1, 2]]);
  assert.deepEqual(sequenceWindows(12, 10), [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  ]);
  assert.deepEqual(sequenceWindows(20, 10).map((window) => window[0]), [0, 5, 10]);
});

test('classifyWithModel labels probabilities and segments, and leaks no tensors', () => {
  const model = CnnLstmModel.create(SMALL, 2);
  const mel = dataset(1, 6)[0].mel;
  const tensorsBefore = tf.memory().numTensors;
  const prediction = classifyWithModel(model, mel);
  assert.deepEqual(Object.keys(prediction.probabilities), SMALL.labels);
  assert.equal(prediction.segments[0].start, 0);
  assert.ok(Math.abs(prediction.segments[0].end - (32 * 512) / SR) < 0.01);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  model.dispose();
});

test('patches are copied (wrapping short tracks) and average-pooled 2 × 2', () => {
  // 3 frames × 4 bands, values 10·frame + band.
  const mel = { data: Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4)), nFrames: 3, nBins: 4 };
  const patch = copyPatches(mel, [1], 4);
  assert.deepEqual(Array.from(patch), [10, 11, 12, 13, 20, 21, 22, 23, 0, 1, 2, 3, 10, 11, 12, 13]);
  // Frames (1, 2) and (0, 1) of the wrapped patch; bands (0, 1) and (2, 3).
  assert.deepEqual(Array.from(poolPatches(patch, 1, 4, 4, { frames: 2, bands: 2 })), [15.5, 17.5, 5.5, 7.5]);
});
