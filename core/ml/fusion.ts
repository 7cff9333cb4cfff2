import type { LogisticBaseline } from './baseline.js';

/**
 * Late fusion of the CNN-LSTM with the MIR-statistics model. On emotify-dev the 518 standardised
 * FMA statistics in a logistic regression beat the network alone (artist-grouped CV accuracy 0.675
 * against 0.614), and the two err on different clips, so the shipped model multiplies their
 * probabilities: p ∝ p_network^(1 − w) · p_statistics^w (a weighted geometric mean).
 */
export interface StatisticsHead {
  /** What the head reads: analyzeSignal's fma518 vector. */
  features: 'fma518';
  /** w above: the statistics' share of the fused log-probabilities. */
  weight: number;
  /** Standardisation of the inputs (the training set's mean and deviation). */
  mean: number[];
  std: number[];
  /** [dims × classes], row-major. */
  kernel: number[];
  bias: number[];
}

/**
 * The statistics' share in the shipped recipe: an even split, fixed before measuring. It is not
 * tuned on the test folds, nor on the training run's validation artists: those also chose the
 * network's epoch (early stopping), so they flatter the network.
 */
export const DEFAULT_STATISTICS_WEIGHT = 0.5;

export function statisticsHeadFrom(baseline: LogisticBaseline, weight = DEFAULT_STATISTICS_WEIGHT): StatisticsHead {
  return {
    features: 'fma518',
    weight,
    mean: Array.from(baseline.mean),
    std: Array.from(baseline.std),
    kernel: Array.from(baseline.kernel),
    bias: Array.from(baseline.bias),
  };
}

/** Checks a head read from a file: sizes that agree with each other and with the model's classes. */
export function validateStatisticsHead(head: StatisticsHead, classes: number): void {
  const dims = head.mean.length;
  if (head.features !== 'fma518') throw new Error(`statistics head: unknown features '${String(head.features)}'`);
  if (!(head.weight >= 0 && head.weight <= 1)) throw new Error(`statistics head: weight ${head.weight} is not in [0, 1]`);
  if (head.std.length !== dims || head.kernel.length !== dims * classes || head.bias.length !== classes) {
    throw new Error(`statistics head: sizes disagree (${dims} features, ${classes} classes)`);
  }
}

/** Class probabilities from one track's statistics (plain JS: 518 × classes multiply-adds). */
export function statisticsProbabilities(head: StatisticsHead, statistics: ArrayLike<number>): Float32Array {
  const dims = head.mean.length;
  const classes = head.bias.length;
  if (statistics.length !== dims) throw new Error(`expected ${dims} statistics, got ${statistics.length}`);
  const logits = Float64Array.from(head.bias);
  for (let j = 0; j < dims; j++) {
    // Non-finite statistics (e.g. of silence) count as the training mean, as in training.
    const value = Number.isFinite(statistics[j]) ? (statistics[j] - head.mean[j]) / head.std[j] : 0;
    if (value === 0) continue;
    for (let c = 0; c < classes; c++) logits[c] += value * head.kernel[j * classes + c];
  }
  return softmax(logits);
}

/** p ∝ network^(1 − weight) · statistics^weight. */
export function fuseProbabilities(network: ArrayLike<number>, statistics: ArrayLike<number>, weight: number): Float32Array {
  if (network.length !== statistics.length) throw new Error('fusion: the two models disagree on the number of classes');
  const logits = Float64Array.from(network, (p, c) => (1 - weight) * Math.log(Math.max(p, 1e-7)) + weight * Math.log(Math.max(statistics[c], 1e-7)));
  return softmax(logits);
}

function softmax(logits: Float64Array): Float32Array {
  const max = Math.max(...logits);
  const exps = logits.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Float32Array.from(exps, (value) => value / sum);
}
