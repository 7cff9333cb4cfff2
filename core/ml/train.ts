import * as tf from '@tensorflow/tfjs';
import type { TimeFrequency } from '../dsp/types.js';
import { CnnLstmModel, pooledBands, pooledFrames, type CnnLstmConfig } from './model.js';
import { copyPatches, poolPatches, predictTrack } from './inference.js';
import { SeededRandom } from './random.js';
import { familyFrequencyWeights, setMaskRows, setNegativeLogLikelihood } from './set-logistic.js';

export interface TrainingClip {
  mel: TimeFrequency;
  /** Index into config.labels. */
  label: number;
  /**
   * The clip's label set, when it has one (indices into config.labels): the loss then asks only that
   * the probability land somewhere in the set (an umbrella genre, a clip of two families). `label` is
   * one of them.
   */
  families?: readonly number[];
}

export interface TrainOptions {
  seed: number;
  maxEpochs: number;
  /**
   * Early stopping: training stops once this many epochs in a row have not lowered the validation
   * loss (the study used 2). The validation loss is that of the averaged weights (see
   * `weightAveraging`), and every epoch that does not lower it also divides the learning rate by
   * `plateauDecay`, so a stop means the loss failed to improve even at a lower learning rate.
   */
  patience: number;
  /** Epochs before early stopping may stop: the loss of the first, barely trained epochs is noise. */
  minEpochs: number;
  /**
   * Keep the averaged weights of the epoch with the lowest validation loss (true) or those of the
   * last epoch (false).
   */
  restoreBest: boolean;
  batchSequences: number;
  /** Random ~30-s windows drawn from each training clip per epoch. */
  windowsPerClip: number;
  learningRate: number;
  /** The learning rate is divided by this after each epoch that does not lower the validation loss. */
  plateauDecay: number;
  /**
   * Decay per step of the exponential moving average of the weights that validation (and the saved
   * model) uses. Single-step weights swing from epoch to epoch (validation accuracy 0.47–0.76 in
   * consecutive epochs of model 1.1.0), which made the validation loss too noisy to stop on.
   * 0 turns averaging off.
   */
  weightAveraging: number;
  /** Label smoothing of the training targets: curbs the over-confidence that made the validation loss climb. */
  labelSmoothing: number;
  /** Weight of the per-patch (timeline) loss beside the track loss. */
  patchLossWeight: number;
  /** SpecAugment: widest frequency and time mask, per patch. */
  maxFrequencyMask: number;
  maxTimeMask: number;
  /** Random level change, ± dB, per window. */
  maxGainDb: number;
  /**
   * Random smooth equalisation, ± dB per component, per window: a spectral tilt plus three cosine
   * ripples across the mel bands. Recordings of one artist share a production sound; varying it
   * pushes the model towards what genres share rather than what an artist's records share.
   */
  maxEqDb: number;
  /**
   * Class balance of the loss: each clip is weighted by its class's inverse frequency raised to this
   * (1: every class counts alike; 0: every clip does). A clip of several families takes its commonest's.
   */
  classBalance?: number;
}

/**
 * Early stopping on validation loss with patience 2 (as in the study), made workable on a
 * validation set of a few dozen clips by validating averaged weights, smoothing the labels and
 * halving the learning rate on every epoch without improvement.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 1,
  maxEpochs: 30,
  patience: 2,
  minEpochs: 4,
  restoreBest: true,
  batchSequences: 12,
  windowsPerClip: 2,
  learningRate: 1e-3,
  plateauDecay: 2,
  weightAveraging: 0.99,
  labelSmoothing: 0.1,
  patchLossWeight: 0.5,
  maxFrequencyMask: 12,
  maxTimeMask: 16,
  maxGainDb: 6,
  maxEqDb: 0,
};

export interface EpochReport {
  epoch: number;
  learningRate: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export interface TrainResult {
  model: CnnLstmModel;
  epochs: EpochReport[];
  /** The epoch whose weights were kept (lowest validation loss, or the last with restoreBest false). */
  bestEpoch: number;
  classWeights: number[];
}

/**
 * Trains a CNN-LSTM on labelled clips. Each epoch draws random ~30-s windows from every training
 * clip (with SpecAugment masks and a level change) and weights the loss by inverse class frequency.
 * After each epoch the moving average of the weights is scored on the validation clips; an epoch
 * that does not lower that loss divides the learning rate, and `patience` such epochs in a row
 * (after `minEpochs`) stop training. The model keeps the best epoch's averaged weights (or, without
 * `restoreBest`, the last ones). Every random choice comes from `seed`.
 */
export async function trainCnnLstm(
  config: CnnLstmConfig,
  train: TrainingClip[],
  validation: TrainingClip[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  onEpoch?: (report: EpochReport) => void,
): Promise<TrainResult> {
  if (train.length === 0 || validation.length === 0) throw new Error('training needs training and validation clips');
  const random = new SeededRandom(options.seed);
  const model = CnnLstmModel.create(config, random.seed());
  const { mean, std } = pooledBandStatistics(train.map((clip) => clip.mel), config);
  model.setNormalisation(mean, std);
  const bandMean = bandStatistics(train.map((clip) => clip.mel), config.nMels).mean;
  const classWeights = clipClassWeights(train, config.labels.length, options.classBalance ?? 1);
  const optimizer = new AdjustableAdam(options.learningRate);
  const average = new WeightAverage(model, options.weightAveraging);
  const epochs: EpochReport[] = [];
  const stopping = new EarlyStopping(options.patience, options.minEpochs);
  let bestWeights = model.toArrays();
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      const started = performance.now();
      const learningRate = optimizer.rate;
      const windows = random.shuffle(train.flatMap((clip) => Array.from({ length: options.windowsPerClip }, () => clip)));
      let lossSum = 0;
      let correct = 0;
      for (let first = 0; first < windows.length; first += options.batchSequences) {
        const batch = windows.slice(first, first + options.batchSequences);
        const { loss, correctInBatch } = trainStep(model, optimizer, batch, classWeights, options, random, bandMean);
        average.update();
        lossSum += loss * batch.length;
        correct += correctInBatch;
        await tf.nextFrame();
      }
      const averaged = average.values();
      const val = withWeights(model, averaged, () => evaluateClips(model, validation, classWeights));
      const report: EpochReport = {
        epoch,
        learningRate,
        loss: lossSum / windows.length,
        accuracy: correct / windows.length,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      epochs.push(report);
      onEpoch?.(report);
      const { improved, stop } = stopping.update(epoch, val.loss);
      if (improved) bestWeights = averaged;
      else optimizer.rate = learningRate / options.plateauDecay;
      if (stop) break;
    }
    model.assign(options.restoreBest ? bestWeights : average.values());
  } finally {
    optimizer.dispose();
    average.dispose();
  }
  return { model, epochs, bestEpoch: options.restoreBest ? stopping.bestEpoch : epochs.length, classWeights };
}

/**
 * The early-stopping rule: an epoch improves when its validation loss is below every earlier one;
 * training stops after `patience` epochs in a row without improvement, once `minEpochs` have run.
 */
export class EarlyStopping {
  bestLoss = Infinity;
  bestEpoch = 0;
  private epochsWithoutImprovement = 0;

  constructor(
    private readonly patience: number,
    private readonly minEpochs: number,
  ) {}

  update(epoch: number, loss: number): { improved: boolean; stop: boolean } {
    const improved = loss < this.bestLoss;
    if (improved) {
      this.bestLoss = loss;
      this.bestEpoch = epoch;
      this.epochsWithoutImprovement = 0;
    } else this.epochsWithoutImprovement++;
    return { improved, stop: this.epochsWithoutImprovement >= this.patience && epoch >= this.minEpochs };
  }
}

/** Adam whose learning rate can be lowered between steps without losing its moment estimates. */
class AdjustableAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  get rate(): number {
    return this.learningRate;
  }

  set rate(value: number) {
    this.learningRate = value;
  }
}

/**
 * Exponential moving average of every weight (Polyak averaging), bias-corrected like Adam's moments
 * so the first steps are not pulled towards zero. Decay 0 makes it the current weights.
 */
class WeightAverage {
  private readonly sums: tf.Variable[];
  private steps = 0;

  constructor(
    private readonly model: CnnLstmModel,
    private readonly decay: number,
  ) {
    this.sums = [...model.weights.values()].map((weight) => tf.variable(tf.zerosLike(weight), false));
  }

  update(): void {
    this.steps++;
    tf.tidy(() => [...this.model.weights.values()].forEach((weight, i) => this.sums[i].assign(this.sums[i].mul(this.decay).add(weight.mul(1 - this.decay)))));
  }

  /** The averaged weights, in weightSpecs order (the model's own while nothing is averaged yet). */
  values(): Float32Array[] {
    if (this.steps === 0 || this.decay === 0) return this.model.toArrays();
    const correction = 1 - this.decay ** this.steps;
    return this.sums.map((sum) => Float32Array.from(sum.dataSync(), (value) => value / correction));
  }

  dispose(): void {
    for (const sum of this.sums) sum.dispose();
  }
}

/** Runs `use` with `weights` loaded into the model, then puts the model's own weights back. */
function withWeights<T>(model: CnnLstmModel, weights: Float32Array[], use: () => T): T {
  const own = model.toArrays();
  model.assign(weights);
  try {
    return use();
  } finally {
    model.assign(own);
  }
}

function trainStep(
  model: CnnLstmModel,
  optimizer: tf.Optimizer,
  batch: TrainingClip[],
  classWeights: number[],
  options: TrainOptions,
  random: SeededRandom,
  bandMean: Float32Array,
): { loss: number; correctInBatch: number } {
  const { patchFrames, sequencePatches, nMels, labels } = model.config;
  const patchSize = patchFrames * nMels;
  const input = new Float32Array(batch.length * sequencePatches * patchSize);
  batch.forEach((clip, b) => {
    const span = sequencePatches * patchFrames;
    const first = clip.mel.nFrames > span ? random.int(clip.mel.nFrames - span + 1) : 0;
    const starts = Array.from({ length: sequencePatches }, (_, p) => first + p * patchFrames);
    const offset = b * sequencePatches * patchSize;
    copyPatches(clip.mel, starts, patchFrames, input, offset);
    const gains = randomEqualisation(nMels, options.maxGainDb, options.maxEqDb, random);
    for (let i = offset; i < offset + sequencePatches * patchSize; i++) input[i] += gains[i % nMels];
    for (let p = 0; p < sequencePatches; p++) maskPatch(input, offset + p * patchSize, patchFrames, nMels, bandMean, options, random);
  });
  const setsOfBatch = batch.map(labelSet);
  const clipWeights = batch.map((clip) => clipWeight(clip, classWeights));
  const dropoutSeeds = [random.seed(), random.seed()];
  let predicted: Int32Array | Uint8Array | Float32Array = new Int32Array();
  const loss = tf.tidy(() => {
    const pooled = poolPatches(input, batch.length * sequencePatches, patchFrames, nMels, model.config.inputPool);
    const x = tf.tensor3d(pooled, [batch.length * sequencePatches, pooledFrames(model.config), pooledBands(model.config)]);
    const perPatch = <T>(values: T[]): T[] => values.flatMap((value) => Array<T>(sequencePatches).fill(value));
    const trackTargets = tf.tensor2d(setMaskRows(setsOfBatch, labels.length), [batch.length, labels.length]);
    const patchTargets = tf.tensor2d(setMaskRows(perPatch(setsOfBatch), labels.length), [batch.length * sequencePatches, labels.length]);
    const trackWeights = tf.tensor1d(clipWeights);
    const patchWeights = tf.tensor1d(perPatch(clipWeights));
    const value = optimizer.minimize(
      () => {
        const embeddings = model.embedPatches(x, model.config.dropout, dropoutSeeds[0]);
        const { logits } = model.sequence(embeddings.reshape([batch.length, sequencePatches, -1]), model.config.dropout, dropoutSeeds[1]);
        predicted = logits.argMax(1).dataSync() as Int32Array;
        const trackLoss = smoothedSetLoss(logits as tf.Tensor2D, trackTargets, trackWeights, options.labelSmoothing);
        const patchLoss = smoothedSetLoss(model.patchLogits(embeddings) as tf.Tensor2D, patchTargets, patchWeights, options.labelSmoothing);
        return trackLoss.add(patchLoss.mul(options.patchLossWeight)) as tf.Scalar;
      },
      true,
      model.trainableVariables(),
    )!;
    return value.dataSync()[0];
  });
  const correctInBatch = setsOfBatch.filter((set, i) => set.includes(predicted[i])).length;
  return { loss, correctInBatch };
}

/** Per-band dB offsets: a level change plus a random tilt and three cosine ripples across the bands. */
function randomEqualisation(bands: number, maxGainDb: number, maxEqDb: number, random: SeededRandom): Float32Array {
  const uniform = (limit: number) => (2 * random.next() - 1) * limit;
  const gain = uniform(maxGainDb);
  const tilt = uniform(maxEqDb);
  const ripples = [1, 2, 3].map((k) => ({ k, amplitude: uniform(maxEqDb / 2) }));
  return Float32Array.from({ length: bands }, (_, f) => {
    const x = f / (bands - 1);
    return gain + tilt * (2 * x - 1) + ripples.reduce((sum, { k, amplitude }) => sum + amplitude * Math.cos(Math.PI * k * x), 0);
  });
}

/** SpecAugment: one frequency band and one time stretch of the patch set to the band means. */
function maskPatch(
  data: Float32Array,
  offset: number,
  frames: number,
  bands: number,
  bandMean: Float32Array,
  options: TrainOptions,
  random: SeededRandom,
): void {
  const bandWidth = random.int(options.maxFrequencyMask + 1);
  const firstBand = random.int(bands - bandWidth + 1);
  for (let t = 0; t < frames; t++) {
    for (let f = firstBand; f < firstBand + bandWidth; f++) data[offset + t * bands + f] = bandMean[f];
  }
  const timeWidth = random.int(options.maxTimeMask + 1);
  const firstFrame = random.int(frames - timeWidth + 1);
  for (let t = firstFrame; t < firstFrame + timeWidth; t++) {
    for (let f = 0; f < bands; f++) data[offset + t * bands + f] = bandMean[f];
  }
}

/**
 * Class-weighted cross-entropy and accuracy of whole-track predictions (for a clip with a label set:
 * −log of the probability the set holds, and a hit when the top class is in it).
 */
export function evaluateClips(model: CnnLstmModel, clips: TrainingClip[], classWeights: number[]): { loss: number; accuracy: number } {
  let loss = 0;
  let weightSum = 0;
  let correct = 0;
  for (const clip of clips) {
    const { probabilities } = predictTrack(model, clip.mel);
    const set = labelSet(clip);
    const weight = clipWeight(clip, classWeights);
    loss -= weight * Math.log(Math.max(set.reduce((sum, c) => sum + probabilities[c], 0), 1e-7));
    weightSum += weight;
    if (set.includes(argMax(probabilities))) correct++;
  }
  return { loss: loss / weightSum, accuracy: correct / clips.length };
}

function labelSet(clip: TrainingClip): readonly number[] {
  return clip.families?.length ? clip.families : [clip.label];
}

/** A clip's loss weight: its class's (of a set, its commonest class's). */
function clipWeight(clip: TrainingClip, classWeights: number[]): number {
  return Math.min(...labelSet(clip).map((c) => classWeights[c]));
}

/**
 * Per-class weights, inverse frequency raised to `balance`; a clip of k classes adds 1/k to each.
 * With one label per clip and balance 1 this is inverseFrequencyWeights.
 */
function clipClassWeights(clips: TrainingClip[], classes: number, balance: number): number[] {
  if (clips.every((clip) => !clip.families) && balance === 1) return inverseFrequencyWeights(clips, classes);
  return familyFrequencyWeights(clips.map(labelSet), classes).map((weight) => weight ** balance);
}

/**
 * Label-smoothed set loss, weighted like tf.losses' default reduction (mean over rows of non-zero
 * weight): (1 − ε) · −log Σ_{c∈S} p_c + ε · the cross-entropy against the uniform distribution. With
 * one class per row this is tf.losses.softmaxCrossEntropy with label smoothing ε.
 */
function smoothedSetLoss(logits: tf.Tensor2D, setMask: tf.Tensor2D, weights: tf.Tensor1D, smoothing: number): tf.Scalar {
  const setLoss = setNegativeLogLikelihood(logits, setMask);
  const uniformLoss = logits.logSumExp(1).sub(logits.mean(1));
  const perRow = setLoss.mul(1 - smoothing).add(uniformLoss.mul(smoothing));
  const nonZero = weights.notEqual(0).cast('float32').sum();
  return perRow.mul(weights).sum().div(nonZero) as tf.Scalar;
}

/** Mean and standard deviation of each mel band over every frame of the training clips. */
export function bandStatistics(mels: TimeFrequency[], nBands: number): { mean: Float32Array; std: Float32Array } {
  const sum = new Float64Array(nBands);
  const squares = new Float64Array(nBands);
  let frames = 0;
  for (const mel of mels) {
    for (let t = 0; t < mel.nFrames; t++) {
      for (let f = 0; f < nBands; f++) {
        const value = mel.data[t * nBands + f];
        sum[f] += value;
        squares[f] += value * value;
      }
    }
    frames += mel.nFrames;
  }
  const mean = Float32Array.from(sum, (s) => s / frames);
  const std = Float32Array.from(squares, (s, f) => Math.sqrt(Math.max(s / frames - mean[f] * mean[f], 1e-6)));
  return { mean, std };
}

/** bandStatistics of the input after the model's fixed input pooling (what the normalisation sees). */
export function pooledBandStatistics(mels: TimeFrequency[], config: CnnLstmConfig): { mean: Float32Array; std: Float32Array } {
  const { frames, bands } = config.inputPool;
  const outBands = pooledBands(config);
  const pooled = mels.map((mel) => {
    const outFrames = Math.floor(mel.nFrames / frames);
    const data = new Float32Array(outFrames * outBands);
    for (let t = 0; t < outFrames * frames; t++) {
      for (let f = 0; f < outBands * bands; f++) {
        data[Math.floor(t / frames) * outBands + Math.floor(f / bands)] += mel.data[t * mel.nBins + f] / (frames * bands);
      }
    }
    return { data, nFrames: outFrames, nBins: outBands };
  });
  return bandStatistics(pooled, outBands);
}

/** n / (classes × count): each class contributes equally to the loss. */
export function inverseFrequencyWeights(clips: Array<{ label: number }>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const clip of clips) counts[clip.label]++;
  return counts.map((count) => (count > 0 ? clips.length / (classes * count) : 0));
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
