/**
 * Genre-model benchmarks (`npm run bench -- ml`):
 * - why the model trains on wasm: a training step of the im2col CNN-LSTM on wasm versus the same
 *   convolution as tf.conv1d, which wasm cannot differentiate (no Conv2DBackpropFilter) and the cpu
 *   backend trains far more slowly;
 * - classification rate from existing features (the log-mel of a track's 30-s analysis excerpt) on
 *   the active backend;
 * - full training time of the default model: the time recorded when it was trained (models/*)
 *   and a projection from one measured epoch on data of the same size.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../../core/ml/backend.js';
import { CnnLstmModel, DEFAULT_CONFIG, pooledBands, pooledFrames, type CnnLstmConfig } from '../../core/ml/model.js';
import { defaultModelsDirectory, findEntry, readRegistry, type ModelDefinition } from '../../core/ml/registry.js';
import { SeededRandom } from '../../core/ml/random.js';
import { DEFAULT_TRAIN_OPTIONS, trainCnnLstm, type TrainingClip } from '../../core/ml/train.js';
import { DEFAULT_MEMBERS } from '../../core/ml/experiment.js';
import { Worker } from 'node:worker_threads';
import type { BenchResult } from './run.js';
import { classifyFor, type ClassifyWorkerResult } from './ml-classify-worker.js';

export const name = 'ml';

const LABELS = ['classical', 'electronic', 'pop', 'rock'];
const CONFIG: CnnLstmConfig = { ...DEFAULT_CONFIG, labels: LABELS };
/** Frames of a 60-s clip at hop 512, sr 22,050 (the size of the training clips). */
const FRAMES_60S = 2584;

export async function run(): Promise<BenchResult[]> {
  const backend = await initBackend();
  const results: BenchResult[] = [];
  const random = new SeededRandom(1);
  const melOf = (frames: number) => ({ data: Float32Array.from({ length: frames * 128 }, () => -40 + 20 * random.normal()), nFrames: frames, nBins: 128 });

  // 1. One training step (forward + backward + Adam) on a batch of 4 × 30-s sequences = 40 patches.
  const stepMs = await trainingStepMs(CONFIG, 40);
  results.push({ metric: `train step per 3-s patch (${backend.active}, im2col conv)`, value: stepMs / 40, unit: 'ms', detail: '40 patches per step' });
  results.push({ metric: 'tf.conv1d gradient on wasm', value: (await conv1dTrainsOnWasm()) ? 1 : 0, unit: 'works', detail: 'the reason the convolutions are im2col + matMul' });
  if (backend.active !== 'cpu') {
    await tf.setBackend('cpu');
    const cpuMs = await trainingStepMs(CONFIG, CONFIG.sequencePatches);
    const cpuConvMs = await conv1dStepMs(CONFIG.sequencePatches);
    await tf.setBackend(backend.active);
    const perPatch = (ms: number) => ms / CONFIG.sequencePatches;
    results.push({ metric: 'train step per patch (cpu backend, same model)', value: perPatch(cpuMs), unit: 'ms', detail: `${(perPatch(cpuMs) / (stepMs / 40)).toFixed(1)}× the ${backend.active} time` });
    results.push({ metric: 'train step per patch (cpu, two tf.conv1d layers only)', value: perPatch(cpuConvMs), unit: 'ms' });
  }

  // 2. Classification from features: log-mels of the 30-s excerpt through the default model
  // (timeline + embedding), in this thread and in two worker threads (the scan pipeline's 2-core setup: wasm
  // runs one thread per process, so two workers use both cores).
  const single = await classifyFor(5, 1);
  const singleRate = single.tracks / single.seconds;
  results.push({ metric: `classification, 1 thread (${backend.active})`, value: singleRate, unit: 'tracks/s', detail: single.model });
  const workers = await Promise.all([2, 3].map((seed) => runWorker(5, seed)));
  const parallelRate = workers.reduce((sum, w) => sum + w.tracks / w.seconds, 0);
  results.push({ metric: `classification, 2 worker threads (${backend.active})`, value: parallelRate, unit: 'tracks/s', target: '>= 50', met: parallelRate >= 50, detail: 'the 30-s excerpt\'s log-mel (+ the 518 statistics when the model fuses them)' });

  // 3. Full training time of the default model.
  const definition = await defaultDefinition();
  const recorded = definition?.training as { trainSeconds?: number; clips?: number; members?: Array<{ epochs: unknown[] }> } | undefined;
  const recordedEpochs = recorded?.members?.reduce((sum, member) => sum + member.epochs.length, 0);
  if (recorded?.trainSeconds) {
    results.push({
      metric: `default model training, recorded (${definition!.id})`,
      value: recorded.trainSeconds / 60,
      unit: 'min',
      target: '<= 30',
      met: recorded.trainSeconds <= 1800,
      detail: `${recorded.members?.length ?? '?'} networks, ${recordedEpochs ?? '?'} epochs in all, ${recorded.clips ?? '?'} clips; from model.json`,
    });
  }
  const epochs = recordedEpochs ?? DEFAULT_MEMBERS * DEFAULT_TRAIN_OPTIONS.maxEpochs;
  const epochSeconds = await oneEpochSeconds(random, melOf);
  results.push({
    metric: 'default model training, projected from 1 epoch',
    value: (epochSeconds * epochs) / 60,
    unit: 'min',
    target: '<= 30',
    met: epochSeconds * epochs <= 1800,
    detail: `${epochSeconds.toFixed(0)} s/epoch × ${epochs} epochs${recordedEpochs ? ' (as recorded)' : ' (the maximum)'}, 280 clips of 60 s`,
  });
  return results;
}

async function trainingStepMs(config: CnnLstmConfig, patches: number): Promise<number> {
  const model = CnnLstmModel.create(config, 1);
  const optimizer = tf.train.adam(1e-3);
  const sequences = patches / config.sequencePatches;
  const x = tf.randomNormal([patches, pooledFrames(config), pooledBands(config)], -40, 20, 'float32', 3) as tf.Tensor3D;
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: sequences }, (_, i) => i % config.labels.length), 'int32'), config.labels.length);
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => {
        const embeddings = model.embedPatches(x, config.dropout, 1);
        const { logits } = model.sequence(embeddings.reshape([sequences, config.sequencePatches, -1]) as tf.Tensor3D, config.dropout, 2);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      }, false, model.trainableVariables());
    });
  step();
  const started = performance.now();
  const repeats = 3;
  for (let i = 0; i < repeats; i++) step();
  const ms = (performance.now() - started) / repeats;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return ms;
}

/** Whether tf.conv1d (Conv2D underneath) can be differentiated on the active backend. */
async function conv1dTrainsOnWasm(): Promise<boolean> {
  const kernel = tf.variable(tf.randomNormal([3, 64, 48]));
  try {
    tf.tidy(() => tf.variableGrads(() => tf.conv1d(tf.randomNormal([2, 64, 64]) as tf.Tensor3D, kernel as tf.Tensor3D, 1, 'valid').sum() as tf.Scalar, [kernel]));
    return true;
  } catch {
    return false;
  } finally {
    kernel.dispose();
  }
}

/** A training step of the same first two convolutions as tf.conv1d (the layers way), per batch. */
async function conv1dStepMs(patches: number): Promise<number> {
  const k1 = tf.variable(tf.randomNormal([3, 64, 48], 0, 0.1));
  const k2 = tf.variable(tf.randomNormal([3, 48, 64], 0, 0.1));
  const x = tf.randomNormal([patches, 64, 64]) as tf.Tensor3D;
  const step = () =>
    tf.tidy(() => {
      tf.variableGrads(() => {
        const h = tf.conv1d(x, k1 as tf.Tensor3D, 1, 'valid').relu() as tf.Tensor3D;
        return tf.conv1d(h, k2 as tf.Tensor3D, 1, 'valid').relu().mean() as tf.Scalar;
      }, [k1, k2]);
    });
  step();
  const started = performance.now();
  step();
  const ms = performance.now() - started;
  tf.dispose([k1, k2, x]);
  return ms;
}

async function oneEpochSeconds(random: SeededRandom, melOf: (frames: number) => { data: Float32Array; nFrames: number; nBins: number }): Promise<number> {
  const clips: TrainingClip[] = Array.from({ length: 280 }, (_, i) => ({ label: i % 4, mel: melOf(FRAMES_60S) }));
  const validation = clips.splice(0, 47);
  const started = performance.now();
  const result = await trainCnnLstm(CONFIG, clips, validation, { ...DEFAULT_TRAIN_OPTIONS, maxEpochs: 1, seed: random.seed() });
  result.model.dispose();
  return (performance.now() - started) / 1000;
}

async function defaultDefinition(): Promise<ModelDefinition | null> {
  try {
    const directory = defaultModelsDirectory();
    const entry = findEntry(await readRegistry(directory));
    return JSON.parse(await readFile(path.join(directory, entry.path, 'model.json'), 'utf8')) as ModelDefinition;
  } catch {
    return null;
  }
}

function runWorker(seconds: number, seed: number): Promise<ClassifyWorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ml-classify-worker.js', import.meta.url), { workerData: { role: 'ml-classify', seconds, seed } });
    worker.once('message', (result: ClassifyWorkerResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
