import * as tf from '@tensorflow/tfjs';
import { inverseFrequencyWeights } from './train.js';

/**
 * The MIR-statistics baseline of the study: the 518 FMA statistics, standardised with the training
 * set's mean and deviation, into a multinomial logistic regression (L2-regularised, class-weighted,
 * full-batch Adam from zero weights, so it is deterministic).
 */
export interface BaselineOptions {
  l2: number;
  iterations: number;
  learningRate: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { l2: 1e-2, iterations: 300, learningRate: 0.05 };

export interface LogisticBaseline {
  mean: Float64Array;
  std: Float64Array;
  kernel: Float32Array;
  bias: Float32Array;
  classes: number;
}

export function trainLogisticBaseline(
  features: Float64Array[],
  labels: number[],
  classes: number,
  options: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
): LogisticBaseline {
  const dims = features[0].length;
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    const column = features.map((row) => row[j]).filter(Number.isFinite);
    mean[j] = column.reduce((a, b) => a + b, 0) / (column.length || 1);
    std[j] = Math.sqrt(column.reduce((a, b) => a + (b - mean[j]) ** 2, 0) / (column.length || 1)) || 1;
  }
  const weights = inverseFrequencyWeights(labels.map((label) => ({ label })), classes);
  const kernel = tf.variable(tf.zeros([dims, classes]));
  const bias = tf.variable(tf.zeros([classes]));
  const optimizer = tf.train.adam(options.learningRate);
  tf.tidy(() => {
    const x = tf.tensor2d(standardise(features, mean, std), [features.length, dims]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
    const sampleWeights = tf.tensor1d(labels.map((label) => weights[label]));
    for (let i = 0; i < options.iterations; i++) {
      optimizer.minimize(() => {
        const logits = x.matMul(kernel).add(bias);
        return tf.losses.softmaxCrossEntropy(y, logits, sampleWeights).add(kernel.square().sum().mul(options.l2 / 2)) as tf.Scalar;
      }, false, [kernel, bias]);
    }
  });
  const model = { mean, std, kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array, classes };
  tf.dispose([kernel, bias]);
  optimizer.dispose();
  return { ...model, kernel: model.kernel.slice(), bias: model.bias.slice() };
}

/** Class probabilities for each feature row. */
export function predictLogisticBaseline(model: LogisticBaseline, features: Float64Array[]): Float32Array[] {
  const dims = model.mean.length;
  return tf.tidy(() => {
    const x = tf.tensor2d(standardise(features, model.mean, model.std), [features.length, dims]);
    const probabilities = x.matMul(tf.tensor2d(model.kernel, [dims, model.classes])).add(tf.tensor1d(model.bias)).softmax().dataSync();
    return features.map((_, i) => Float32Array.from(probabilities.subarray(i * model.classes, (i + 1) * model.classes)));
  });
}

function standardise(features: Float64Array[], mean: Float64Array, std: Float64Array): Float32Array {
  const dims = mean.length;
  const out = new Float32Array(features.length * dims);
  features.forEach((row, i) => {
    if (row.length !== dims) throw new Error(`expected ${dims} statistics, got ${row.length}`);
    // Non-finite statistics (e.g. of silence) count as the training mean.
    for (let j = 0; j < dims; j++) out[i * dims + j] = Number.isFinite(row[j]) ? (row[j] - mean[j]) / std[j] : 0;
  });
  return out;
}
