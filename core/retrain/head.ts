import { SeededRandom } from '../ml/random.js';

/**
 * A genre head over the shipped model's track embedding: multinomial logistic regression on the
 * standardised embedding, added to the shipped model's own log-probabilities (scaled by a learned
 * factor) for the genres it knows:
 *
 *   logit_k = bias_k + Σ_j weights[j, k] · z_j + baseScale · log p_base(k)
 *
 * Genres the user invented get a logit from the embedding alone. Besides the confirmed tracks, the
 * head learns the shipped model's own probabilities on a sample of unconfirmed tracks ("learning
 * without forgetting"): without them, inventing "Chiptune" for a few tracks the shipped model calls
 * Electronic would teach the head that nothing is Electronic.
 */
export interface HeadParameters {
  /** Genre names, in class order. */
  labels: string[];
  /** The shipped model's labels, in its order (the order of baseProbabilities). */
  baseLabels: string[];
  /** Per class: the shipped model's label it is (index into baseLabels), or -1 for a genre that model does not know. */
  baseIndex: number[];
  inputSize: number;
  /** Standardisation of the embedding: z_j = (x_j - mean_j) / scale_j. */
  mean: number[];
  scale: number[];
  /** inputSize × classes, row-major. */
  weights: number[];
  bias: number[];
  baseScale: number;
}

export interface HeadExample {
  embedding: ArrayLike<number>;
  /** The shipped model's probabilities, in baseLabels order. */
  baseProbabilities: ArrayLike<number>;
  /** Class index into the head's labels; null for an unconfirmed track (target: the shipped model's probabilities). */
  label: number | null;
}

export interface HeadTrainOptions {
  seed: number;
  /** L2 penalty on the weights (on the standardised embedding; the retrain picks it per library, see recipe.ts). */
  l2: number;
  /**
   * Total weight of the unconfirmed tracks' examples, as a share of the confirmed tracks' total weight:
   * small, so that fixes win over the shipped model's opinion of similar unconfirmed tracks, yet
   * enough to keep genres no fix is about.
   */
  distillationShare: number;
  learningRate: number;
  batchSize: number;
  /** Optimiser steps to aim for; epochs = steps / batches per epoch, within [minEpochs, maxEpochs]. */
  targetSteps: number;
  minEpochs: number;
  maxEpochs: number;
}

/** Chosen a priori, not tuned on an evaluation set: Adam, ~1500 mini-batch steps, a small distillation share. */
export const DEFAULT_HEAD_OPTIONS: HeadTrainOptions = {
  seed: 1,
  l2: 1e-2,
  distillationShare: 0.3,
  learningRate: 0.01,
  batchSize: 32,
  targetSteps: 1500,
  minEpochs: 10,
  maxEpochs: 200,
};

/** The shipped model's probabilities are rounded to 4 decimals when stored: 0 means "below 1e-4". */
const MIN_PROBABILITY = 1e-4;

export interface HeadTrainResult {
  head: HeadParameters;
  /** Weighted training loss (cross-entropy + penalty) of each epoch, averaged over its batches. */
  epochLosses: number[];
}

/**
 * Trains a head (baseIndex: see HeadParameters) on confirmed and unconfirmed examples weighted as in
 * exampleWeights. Deterministic for a seed.
 */
export function trainHead(
  examples: readonly HeadExample[],
  labels: readonly string[],
  baseLabels: readonly string[],
  baseIndex: readonly number[],
  options: HeadTrainOptions = DEFAULT_HEAD_OPTIONS,
): HeadTrainResult {
  if (examples.length === 0) throw new Error('a head needs at least one training example');
  const classes = labels.length;
  const inputSize = examples[0].embedding.length;
  if (examples.some((example) => example.embedding.length !== inputSize)) throw new Error('the embeddings differ in size');
  if (baseIndex.length !== labels.length || baseIndex.some((index) => index >= baseLabels.length)) throw new Error('baseIndex must map each label to a base label or -1');
  const { mean, scale } = standardisation(examples, inputSize);
  const inputs = examples.map((example) => standardise(example.embedding, mean, scale));
  const baseTerms = examples.map((example) => baseLogTerms(example.baseProbabilities, baseIndex));
  const targets = examples.map((example) => (example.label === null ? baseTargets(example.baseProbabilities, baseIndex) : oneHot(example.label, classes)));
  const sampleWeights = exampleWeights(examples, classes, options.distillationShare);

  const weights = new Float64Array(inputSize * classes);
  const bias = new Float64Array(classes);
  const parameters = { weights, bias, baseScale: new Float64Array([1]) };
  const optimiser = new Adam([weights, bias, parameters.baseScale], options.learningRate);
  const grads = { weights: new Float64Array(weights.length), bias: new Float64Array(classes), baseScale: new Float64Array(1) };

  const random = new SeededRandom(options.seed);
  const order = examples.map((_, i) => i);
  const batchesPerEpoch = Math.ceil(examples.length / options.batchSize);
  const epochs = Math.min(options.maxEpochs, Math.max(options.minEpochs, Math.ceil(options.targetSteps / batchesPerEpoch)));
  const logits = new Float64Array(classes);
  const epochLosses: number[] = [];

  for (let epoch = 1; epoch <= epochs; epoch++) {
    random.shuffle(order);
    // The epoch's loss is the mean over its batches as they were seen (no second pass over the data).
    let lossSum = 0;
    let lossWeight = 0;
    for (let first = 0; first < order.length; first += options.batchSize) {
      const batch = order.slice(first, first + options.batchSize);
      grads.weights.fill(0);
      grads.bias.fill(0);
      grads.baseScale[0] = 0;
      const weightSum = batch.reduce((sum, i) => sum + sampleWeights[i], 0);
      if (weightSum === 0) continue;
      for (const i of batch) {
        const z = inputs[i];
        const base = baseTerms[i];
        const target = targets[i];
        computeLogits(z, base, weights, bias, parameters.baseScale[0], logits);
        softmaxInPlace(logits);
        const factor = sampleWeights[i] / weightSum;
        for (let k = 0; k < classes; k++) if (target[k] > 0) lossSum -= sampleWeights[i] * target[k] * Math.log(Math.max(logits[k], 1e-12));
        lossWeight += sampleWeights[i];
        for (let k = 0; k < classes; k++) {
          const g = (logits[k] - target[k]) * factor;
          grads.bias[k] += g;
          grads.baseScale[0] += g * base[k];
          for (let j = 0; j < inputSize; j++) grads.weights[j * classes + k] += g * z[j];
        }
      }
      for (let w = 0; w < weights.length; w++) grads.weights[w] += options.l2 * weights[w];
      optimiser.step([grads.weights, grads.bias, grads.baseScale]);
    }
    let penalty = 0;
    for (const w of weights) penalty += w * w;
    const loss = (lossWeight > 0 ? lossSum / lossWeight : 0) + (options.l2 / 2) * penalty;
    epochLosses.push(loss);
  }

  return {
    head: {
      labels: [...labels],
      baseLabels: [...baseLabels],
      baseIndex: [...baseIndex],
      inputSize,
      mean: Array.from(mean),
      scale: Array.from(scale),
      weights: Array.from(weights),
      bias: Array.from(bias),
      baseScale: parameters.baseScale[0],
    },
    epochLosses,
  };
}

/** The head's probabilities for one track, in head.labels order. */
export function applyHead(head: HeadParameters, embedding: ArrayLike<number>, baseProbabilities: ArrayLike<number>): Float64Array {
  if (embedding.length !== head.inputSize) throw new Error(`the head expects a ${head.inputSize}-value embedding, got ${embedding.length}`);
  const z = standardise(embedding, head.mean, head.scale);
  const logits = new Float64Array(head.labels.length);
  computeLogits(z, baseLogTerms(baseProbabilities, head.baseIndex), head.weights, head.bias, head.baseScale, logits);
  return softmaxInPlace(logits);
}

/**
 * Per-example loss weights: confirmed tracks weigh n / (classes × count) of their class, so every
 * confirmed genre counts the same; unconfirmed tracks share `distillationShare` × the confirmed total
 * (at most distillationShare each).
 */
export function exampleWeights(examples: readonly HeadExample[], classes: number, distillationShare: number): number[] {
  const confirmed = examples.filter((example) => example.label !== null).map((example) => example.label as number);
  const classWeights = balancedClassWeights(confirmed, classes);
  const unconfirmed = examples.length - confirmed.length;
  // An unconfirmed track never weighs more than distillationShare × an average confirmed one (weight 1).
  const unconfirmedWeight = unconfirmed > 0 ? distillationShare * Math.min(1, Math.max(confirmed.length, 1) / unconfirmed) : 0;
  return examples.map((example) => (example.label === null ? unconfirmedWeight : classWeights[example.label]));
}

/** n / (classes × count) for each class present; 0 for an absent one. */
export function balancedClassWeights(labels: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]++;
  const present = counts.filter((count) => count > 0).length;
  return counts.map((count) => (count > 0 ? labels.length / (present * count) : 0));
}

function computeLogits(z: Float64Array, base: Float64Array, weights: ArrayLike<number>, bias: ArrayLike<number>, baseScale: number, out: Float64Array): void {
  const classes = out.length;
  for (let k = 0; k < classes; k++) out[k] = bias[k] + baseScale * base[k];
  for (let j = 0; j < z.length; j++) {
    const value = z[j];
    if (value === 0) continue;
    const row = j * classes;
    for (let k = 0; k < classes; k++) out[k] += weights[row + k] * value;
  }
}

function softmaxInPlace(values: Float64Array): Float64Array {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    values[k] = Math.exp(values[k] - max);
    sum += values[k];
  }
  for (let k = 0; k < values.length; k++) values[k] /= sum;
  return values;
}

/** The shipped model's probabilities over the head's classes (0 for genres it does not know), summing to 1. */
function baseTargets(baseProbabilities: ArrayLike<number>, baseIndex: readonly number[]): Float64Array {
  const target = Float64Array.from(baseIndex, (index) => (index < 0 ? 0 : baseProbabilities[index] ?? 0));
  const sum = target.reduce((a, b) => a + b, 0);
  return sum > 0 ? target.map((value) => value / sum) : target.fill(1 / target.length);
}

function oneHot(label: number, classes: number): Float64Array {
  const target = new Float64Array(classes);
  target[label] = 1;
  return target;
}

/** log p_base for the classes the shipped model knows, 0 for the others. */
function baseLogTerms(baseProbabilities: ArrayLike<number>, baseIndex: readonly number[]): Float64Array {
  return Float64Array.from(baseIndex, (index) => (index < 0 ? 0 : Math.log(Math.max(baseProbabilities[index] ?? 0, MIN_PROBABILITY))));
}

function standardisation(examples: readonly HeadExample[], size: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(size);
  const squares = new Float64Array(size);
  for (const { embedding } of examples) {
    for (let j = 0; j < size; j++) {
      mean[j] += embedding[j] / examples.length;
      squares[j] += (embedding[j] * embedding[j]) / examples.length;
    }
  }
  // A floor keeps a (near-)constant dimension from being blown up into noise.
  const scale = mean.map((m, j) => Math.sqrt(Math.max(squares[j] - m * m, 0)) || 1).map((s) => Math.max(s, 1e-3));
  return { mean, scale };
}

function standardise(embedding: ArrayLike<number>, mean: ArrayLike<number>, scale: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: mean.length }, (_, j) => (embedding[j] - mean[j]) / scale[j]);
}

/** Adam (Kingma & Ba) over a fixed set of parameter arrays, updated in place. */
class Adam {
  private readonly first: Float64Array[];
  private readonly second: Float64Array[];
  private t = 0;

  constructor(
    private readonly parameters: Float64Array[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.first = parameters.map((p) => new Float64Array(p.length));
    this.second = parameters.map((p) => new Float64Array(p.length));
  }

  step(gradients: Float64Array[]): void {
    this.t++;
    const correction1 = 1 - this.beta1 ** this.t;
    const correction2 = 1 - this.beta2 ** this.t;
    this.parameters.forEach((parameter, p) => {
      const m = this.first[p];
      const v = this.second[p];
      const g = gradients[p];
      for (let i = 0; i < parameter.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        parameter[i] -= (this.learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + this.epsilon);
      }
    });
  }
}
