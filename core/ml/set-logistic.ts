import * as tf from '@tensorflow/tfjs';
import type { LogisticBaseline } from './baseline.js';

/**
 * A multinomial logistic regression trained on label sets: each row's loss is −log of the probability
 * its true set holds (−log Σ_{c∈S} p_c). A row with one family is ordinary cross-entropy; a row with an
 * umbrella genre ("Pop/Rock": pop, rock, metal or punk) asks only that the mass go somewhere in the set.
 * Inputs are standardised with the training rows' mean and deviation; L2-regularised, full-batch Adam
 * from zero weights, so it is deterministic. Returns the same shape as the single-label baseline, so
 * predictLogisticBaseline and the fusion's statistics head read it.
 */
export interface SetLogisticOptions {
  l2: number;
  iterations: number;
  learningRate: number;
  /**
   * Class balance: each row is weighted by (its commonest family's inverse frequency)^balance. 0 weighs
   * every row alike (favours the common families), 1 makes each family count alike.
   */
  balance: number;
  /** Optional soft targets (rows of class probabilities, e.g. a teacher's) and their share of the loss. */
  soft?: { targets: ArrayLike<number>[]; weight: number };
}

export const DEFAULT_SET_LOGISTIC_OPTIONS: SetLogisticOptions = { l2: 1e-2, iterations: 300, learningRate: 0.05, balance: 0.5 };

/** Per-family inverse frequencies: a row of k families adds 1/k to each. Families never seen get 0. */
export function familyFrequencyWeights(sets: readonly (readonly number[])[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const set of sets) for (const c of set) counts[c] += 1 / set.length;
  const present = counts.filter((count) => count > 0).length;
  return counts.map((count) => (count > 0 ? sets.length / (present * count) : 0));
}

/** Each row's weight: the inverse frequency of its commonest family, raised to `balance`. */
export function rowWeights(sets: readonly (readonly number[])[], classes: number, balance: number): number[] {
  const weights = familyFrequencyWeights(sets, classes);
  return sets.map((set) => Math.min(...set.map((c) => weights[c])) ** balance);
}

export function trainSetLogistic(
  features: Float64Array[],
  sets: readonly (readonly number[])[],
  classes: number,
  options: SetLogisticOptions = DEFAULT_SET_LOGISTIC_OPTIONS,
): LogisticBaseline {
  if (features.length !== sets.length) throw new Error('one label set per row expected');
  if (sets.some((set) => set.length === 0)) throw new Error('every training row needs at least one family');
  const dims = features[0].length;
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    let sum = 0;
    let count = 0;
    for (const row of features) if (Number.isFinite(row[j])) (sum += row[j]), count++;
    mean[j] = sum / (count || 1);
    let squares = 0;
    for (const row of features) if (Number.isFinite(row[j])) squares += (row[j] - mean[j]) ** 2;
    std[j] = Math.sqrt(squares / (count || 1)) || 1;
  }
  const weights = rowWeights(sets, classes, options.balance);
  const kernel = tf.variable(tf.zeros([dims, classes]));
  const bias = tf.variable(tf.zeros([classes]));
  const optimizer = tf.train.adam(options.learningRate);
  tf.tidy(() => {
    const x = tf.tensor2d(standardiseRows(features, mean, std), [features.length, dims]);
    const setMask = tf.tensor2d(setMaskRows(sets, classes), [sets.length, classes]);
    const w = tf.tensor1d(weights);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const soft = options.soft ? tf.tensor2d(options.soft.targets.flatMap((row) => Array.from(row)), [sets.length, classes]) : null;
    for (let i = 0; i < options.iterations; i++) {
      optimizer.minimize(() => {
        const logits = x.matMul(kernel).add(bias);
        let loss = setNegativeLogLikelihood(logits as tf.Tensor2D, setMask).mul(w).sum().div(weightSum);
        if (soft && options.soft) {
          const crossEntropy = soft.mul(tf.logSoftmax(logits)).sum(1).neg();
          loss = loss.mul(1 - options.soft.weight).add(crossEntropy.mul(w).sum().div(weightSum).mul(options.soft.weight));
        }
        return loss.add(kernel.square().sum().mul(options.l2 / 2)) as tf.Scalar;
      }, false, [kernel, bias]);
    }
  });
  const result = { mean, std, kernel: (kernel.dataSync() as Float32Array).slice(), bias: (bias.dataSync() as Float32Array).slice(), classes };
  tf.dispose([kernel, bias]);
  optimizer.dispose();
  return result;
}

/** −log Σ_{c∈S} softmax(logits)_c per row: logsumexp(all) − logsumexp(in-set). `setMask` is 0 in the set, −1e9 out. */
export function setNegativeLogLikelihood(logits: tf.Tensor2D, setMask: tf.Tensor2D): tf.Tensor1D {
  return logits.logSumExp(1).sub(logits.add(setMask).logSumExp(1)) as tf.Tensor1D;
}

/** Row-major additive masks: 0 for a row's families, −1e9 for the rest. */
export function setMaskRows(sets: readonly (readonly number[])[], classes: number): Float32Array {
  const mask = new Float32Array(sets.length * classes).fill(-1e9);
  sets.forEach((set, i) => set.forEach((c) => (mask[i * classes + c] = 0)));
  return mask;
}

function standardiseRows(features: Float64Array[], mean: Float64Array, std: Float64Array): Float32Array {
  const dims = mean.length;
  const out = new Float32Array(features.length * dims);
  features.forEach((row, i) => {
    if (row.length !== dims) throw new Error(`expected ${dims} features, got ${row.length}`);
    // Non-finite values (e.g. statistics of silence) count as the training mean.
    for (let j = 0; j < dims; j++) out[i * dims + j] = Number.isFinite(row[j]) ? (row[j] - mean[j]) / std[j] : 0;
  });
  return out;
}
