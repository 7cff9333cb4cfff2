import type { LogisticBaseline } from './baseline.js';
import { argMax } from './train.js';

/**
 * Late fusion of the CNN-LSTM with the MIR-statistics model. On emotify-dev the 518 standardised
 * FMA statistics in a logistic regression beat the network alone (artist-grouped CV accuracy 0.675
 * against 0.614), and the two err on different clips, so the shipped model multiplies their
 * probabilities: p ∝ p_network^(1 − w) · p_statistics^w (a weighted geometric mean).
 */
export interface StatisticsHead {
  /** What the head reads: analyzeSignal's fma518 vector. */
  features: 'fma518';
  /** w above: the statistics' share of the fused log-probabilities (`timbre train --choose-weight`: chosen by nested CV). */
  weight: number;
  /** Standardisation of the inputs (the training set's mean and deviation). */
  mean: number[];
  std: number[];
  /** [dims × classes], row-major. */
  kernel: number[];
  bias: number[];
}

/**
 * The statistics' share in the shipped recipe: an even split, fixed before measuring. Choosing it by
 * nested artist-grouped CV (chooseStatisticsWeight) scored lower on emotify-dev, where the held-out
 * log-loss is nearly flat over 0.3–1 and the choice follows noise (models/MODEL_CARD.md). A head
 * without a weight (an older model.json) fuses with it too.
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

/** A head as model.json stores it: older files have no weight. */
export type StoredStatisticsHead = Omit<StatisticsHead, 'weight'> & { weight?: number };

/**
 * Checks a head read from a file (sizes that agree with each other and with the model's classes)
 * and returns it with its weight, the even split where the file has none.
 */
export function readStatisticsHead(stored: StoredStatisticsHead, classes: number): StatisticsHead {
  const head = { ...stored, weight: stored.weight ?? DEFAULT_STATISTICS_WEIGHT };
  const dims = head.mean.length;
  if (head.features !== 'fma518') throw new Error(`statistics head: unknown features '${String(head.features)}'`);
  if (!(head.weight >= 0 && head.weight <= 1)) throw new Error(`statistics head: weight ${head.weight} is not in [0, 1]`);
  if (head.std.length !== dims || head.kernel.length !== dims * classes || head.bias.length !== classes) {
    throw new Error(`statistics head: sizes disagree (${dims} features, ${classes} classes)`);
  }
  return head;
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
  return softmax(fusedLogits(network, statistics, weight));
}

/** (1 − weight) · log network + weight · log statistics: the fusion's unnormalised log-probabilities. */
function fusedLogits(network: ArrayLike<number>, statistics: ArrayLike<number>, weight: number): Float64Array {
  return Float64Array.from(network, (p, c) => (1 - weight) * Math.log(Math.max(p, 1e-7)) + weight * Math.log(Math.max(statistics[c], 1e-7)));
}

function softmax(logits: Float64Array): Float32Array {
  const max = Math.max(...logits);
  const exps = logits.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Float32Array.from(exps, (value) => value / sum);
}

/** The statistics weights that nested cross-validation chooses from. */
export const STATISTICS_WEIGHT_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);

export interface StatisticsWeightChoice {
  weight: number;
  grid: number[];
  /** Mean log-loss of the fused probabilities at each weight of `grid`, at that weight's best temperature: what chooses. */
  logLoss: number[];
  /** That best temperature, per weight. */
  temperature: number[];
  /** Accuracy at each weight of `grid`: reported, not used to choose. */
  accuracy: number[];
}

/**
 * Temperatures the weight choice tries per weight: 2^(k/4) for k = −8 … 8 (0.25 to 4). The two
 * models are calibrated differently (the network trains with label smoothing and is under-confident,
 * the regression is over-confident), and at temperature 1 the log-loss would reward the weight that
 * happens to balance their confidence rather than the one that ranks the classes best.
 */
const TEMPERATURES: readonly number[] = Array.from({ length: 17 }, (_, k) => 2 ** ((k - 8) / 4));

/**
 * Chooses the statistics' share of the fusion from out-of-fold probabilities of the two models
 * (clips that neither model trained on): the grid weight whose fused log-probabilities, scaled by
 * their best temperature, have the lowest mean log-loss. The temperature only sharpens or flattens
 * the fused probabilities, so it does not change which genre wins; it is not stored, and the weight
 * alone decides the shipped predictions. Log-loss rather than accuracy because on a few hundred
 * clips accuracy moves in steps of one clip and is flat over wide ranges of weights, while log-loss
 * is smooth. Ties (within 1e-9) go to the weight nearest the even split, then to the smaller one,
 * so the choice does not depend on float noise or the grid's order.
 */
export function chooseStatisticsWeight(
  network: ArrayLike<number>[],
  statistics: ArrayLike<number>[],
  truth: number[],
  grid: readonly number[] = STATISTICS_WEIGHT_GRID,
): StatisticsWeightChoice {
  if (network.length !== truth.length || statistics.length !== truth.length) throw new Error('weight choice: one prediction of each model per clip expected');
  if (truth.length === 0 || grid.length === 0) throw new Error('weight choice: no clips or no weights to choose from');
  const logLoss: number[] = [];
  const temperature: number[] = [];
  const accuracy: number[] = [];
  for (const weight of grid) {
    const fusedLogs = truth.map((_, i) => Array.from(fusedLogits(network[i], statistics[i], weight)));
    let best = { loss: Infinity, temperature: 1 };
    for (const t of TEMPERATURES) {
      const loss = fusedLogs.reduce((sum, logs, i) => sum + logSumExp(logs.map((value) => t * value)) - t * logs[truth[i]], 0) / truth.length;
      if (loss < best.loss) best = { loss, temperature: t };
    }
    logLoss.push(best.loss);
    temperature.push(best.temperature);
    accuracy.push(fusedLogs.filter((logs, i) => argMax(logs) === truth[i]).length / truth.length);
  }
  // Distances rounded, so that 0.3 and 0.7 (0.2 and 0.19999999999999996 in floats) count as equally near.
  const distance = (weight: number) => Math.round(Math.abs(weight - DEFAULT_STATISTICS_WEIGHT) * 1e9);
  const preference = grid.map((_, i) => i).sort((a, b) => distance(grid[a]) - distance(grid[b]) || grid[a] - grid[b]);
  let best = preference[0];
  for (const i of preference) if (logLoss[i] < logLoss[best] - 1e-9) best = i;
  return { weight: grid[best], grid: [...grid], logLoss, temperature, accuracy };
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}
