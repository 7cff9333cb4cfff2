import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from './random.js';

/**
 * The CNN-LSTM genre model, written with plain tensors and ops rather than tf.layers, for one
 * reason: the wasm backend has no gradient kernels for convolutions (Conv2DBackpropFilter/Input).
 * Each convolution here is an im2col (shifted slices, concatenated) followed by one matMul, and
 * pooling is reshape + max; wasm has the gradients of all of those, so the model trains on wasm
 * at native-matMul speed. The LSTM is written out the same way (matMul, sigmoid, tanh).
 *
 * Shapes: a patch is `patchFrames` log-mel frames × `nMels` bands (~3 s). A track is cut into
 * consecutive patches; the conv front end turns each patch into an embedding, the patch head gives
 * per-segment probabilities (the genre timeline), and an LSTM over `sequencePatches` consecutive
 * patch embeddings (~30 s) gives the track probabilities and the track embedding.
 */
export interface CnnLstmConfig {
  labels: string[];
  nMels: number;
  patchFrames: number;
  sequencePatches: number;
  /**
   * Fixed average pooling of each patch before the network, over frames and over mel bands (done in
   * JS by poolPatches): genre lives in textures coarser than 23 ms × 1 band, and pooling 2 × 2 makes
   * the front end 4× cheaper to train and run.
   */
  inputPool: { frames: number; bands: number };
  /** Convolutions over time; each sees all channels (the first sees all mel bands). */
  conv: Array<{ kernel: number; filters: number; pool: number }>;
  lstmUnits: number;
  dropout: number;
}

export const DEFAULT_CONFIG: Omit<CnnLstmConfig, 'labels'> = {
  nMels: 128,
  patchFrames: 128,
  sequencePatches: 10,
  inputPool: { frames: 2, bands: 2 },
  conv: [
    { kernel: 3, filters: 48, pool: 2 },
    { kernel: 3, filters: 64, pool: 2 },
    { kernel: 3, filters: 64, pool: 1 },
  ],
  lstmUnits: 64,
  dropout: 0.3,
};

export interface WeightSpec {
  name: string;
  shape: number[];
}

/** Parameters in a fixed order: the order of the weights file. */
export function weightSpecs(config: CnnLstmConfig): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'input/mean', shape: [pooledBands(config)] },
    { name: 'input/std', shape: [pooledBands(config)] },
  ];
  let channels = pooledBands(config);
  config.conv.forEach((layer, i) => {
    specs.push({ name: `conv${i}/kernel`, shape: [layer.kernel * channels, layer.filters] });
    specs.push({ name: `conv${i}/bias`, shape: [layer.filters] });
    channels = layer.filters;
  });
  const embedding = 2 * channels;
  const classes = config.labels.length;
  specs.push({ name: 'patch_head/kernel', shape: [embedding, classes] }, { name: 'patch_head/bias', shape: [classes] });
  specs.push({ name: 'lstm/kernel', shape: [embedding + config.lstmUnits, 4 * config.lstmUnits] });
  specs.push({ name: 'lstm/bias', shape: [4 * config.lstmUnits] });
  specs.push({ name: 'track_head/kernel', shape: [config.lstmUnits, classes] }, { name: 'track_head/bias', shape: [classes] });
  return specs;
}

/** Bands after the input pooling: the size of the normalisation statistics and of the first conv's input. */
export function pooledBands(config: CnnLstmConfig): number {
  return Math.floor(config.nMels / config.inputPool.bands);
}

/** Frames of a patch after the input pooling. */
export function pooledFrames(config: CnnLstmConfig): number {
  return Math.floor(config.patchFrames / config.inputPool.frames);
}

/** Frames the conv front end leaves per patch (after valid convolutions and pooling). */
export function framesAfterConv(config: CnnLstmConfig): number {
  let frames = pooledFrames(config);
  for (const layer of config.conv) frames = Math.floor((frames - layer.kernel + 1) / layer.pool);
  return frames;
}

/** The input normalisation is stored with the weights but never trained. */
const FROZEN = new Set(['input/mean', 'input/std']);

export class CnnLstmModel {
  readonly weights: Map<string, tf.Variable>;

  private constructor(
    readonly config: CnnLstmConfig,
    weights: Map<string, tf.Variable>,
  ) {
    this.weights = weights;
  }

  /** Fresh weights: Glorot-uniform kernels, zero biases (LSTM forget gate 1), identity normalisation. */
  static create(config: CnnLstmConfig, seed: number): CnnLstmModel {
    if (framesAfterConv(config) < 1) throw new Error('the conv front end leaves no frames: patches too short');
    const random = new SeededRandom(seed);
    const values = weightSpecs(config).map((spec) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (spec.name === 'input/std') data.fill(1);
      else if (spec.name.endsWith('/kernel')) {
        const limit = Math.sqrt(6 / (spec.shape[0] + spec.shape[1]));
        for (let i = 0; i < size; i++) data[i] = (2 * random.next() - 1) * limit;
      } else if (spec.name === 'lstm/bias') data.fill(1, config.lstmUnits, 2 * config.lstmUnits);
      return data;
    });
    return CnnLstmModel.fromArrays(config, values);
  }

  /** Builds a model from weight arrays in weightSpecs order. */
  static fromArrays(config: CnnLstmConfig, values: Float32Array[]): CnnLstmModel {
    const specs = weightSpecs(config);
    if (values.length !== specs.length) throw new Error(`expected ${specs.length} weight arrays, got ${values.length}`);
    const weights = new Map<string, tf.Variable>();
    specs.forEach((spec, i) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (values[i].length !== size) throw new Error(`${spec.name}: expected ${size} values, got ${values[i].length}`);
      weights.set(spec.name, tf.variable(tf.tensor(values[i], spec.shape, 'float32'), !FROZEN.has(spec.name), spec.name + '_' + nextVariableId++));
    });
    return new CnnLstmModel(config, weights);
  }

  /** Copies of the weights in weightSpecs order (for saving and for keeping the best epoch). */
  toArrays(): Float32Array[] {
    return weightSpecs(this.config).map((spec) => this.weights.get(spec.name)!.dataSync() as Float32Array).map((a) => a.slice());
  }

  /** Overwrites the weights (e.g. to restore the best epoch). */
  assign(values: Float32Array[]): void {
    tf.tidy(() => weightSpecs(this.config).forEach((spec, i) => this.weight(spec.name).assign(tf.tensor(values[i], spec.shape, 'float32'))));
  }

  setNormalisation(mean: Float32Array, std: Float32Array): void {
    tf.tidy(() => {
      this.weight('input/mean').assign(tf.tensor1d(mean));
      this.weight('input/std').assign(tf.tensor1d(std));
    });
  }

  trainableVariables(): tf.Variable[] {
    return [...this.weights.entries()].filter(([name]) => !FROZEN.has(name)).map(([, variable]) => variable);
  }

  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
  }

  /**
   * Patch embeddings: pooled patches [n, patchFrames / inputPool.frames, nMels / inputPool.bands]
   * (log-mel dB, see poolPatches in inference.ts) → [n, 2 × last filters] (mean and max over time
   * of the last conv layer). `dropout` > 0 only while training.
   */
  embedPatches(pooledPatches: tf.Tensor3D, dropout = 0, seed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      const bands = pooledBands(this.config);
      if (pooledPatches.shape[1] !== pooledFrames(this.config) || pooledPatches.shape[2] !== bands) {
        throw new Error(`expected pooled patches of ${pooledFrames(this.config)} × ${bands}, got ${pooledPatches.shape.slice(1).join(' × ')}`);
      }
      const mean = this.weight('input/mean').reshape([1, 1, bands]);
      const std = this.weight('input/std').reshape([1, 1, bands]);
      let x = pooledPatches.sub(mean).div(std) as tf.Tensor3D;
      this.config.conv.forEach((layer, i) => {
        x = convolveTime(x, this.weight(`conv${i}/kernel`), this.weight(`conv${i}/bias`), layer.kernel);
        x = maxPoolTime(x.relu(), layer.pool);
      });
      const pooled = tf.concat([x.mean(1), maxOverTime(x)], 1) as tf.Tensor2D;
      return dropout > 0 ? (tf.dropout(pooled, dropout, undefined, seed) as tf.Tensor2D) : pooled;
    });
  }

  /** Per-patch logits from patch embeddings [n, d] → [n, classes]. */
  patchLogits(embeddings: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => embeddings.matMul(this.weight('patch_head/kernel')).add(this.weight('patch_head/bias')));
  }

  /**
   * Runs the LSTM over sequences of patch embeddings [n, steps, d]; returns the final hidden
   * state [n, lstmUnits] (the track embedding) and the track logits [n, classes].
   */
  sequence(embeddings: tf.Tensor3D, dropout = 0, seed?: number): { hidden: tf.Tensor2D; logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const [n, steps] = embeddings.shape;
      const units = this.config.lstmUnits;
      const kernel = this.weight('lstm/kernel');
      const bias = this.weight('lstm/bias');
      let h = tf.zeros([n, units]) as tf.Tensor2D;
      let c = tf.zeros([n, units]) as tf.Tensor2D;
      const inputs = tf.unstack(embeddings, 1) as tf.Tensor2D[];
      for (let t = 0; t < steps; t++) {
        const z = tf.concat([inputs[t], h], 1).matMul(kernel).add(bias);
        const [i, f, g, o] = tf.split(z, 4, 1);
        c = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
        h = o.sigmoid().mul(c.tanh());
      }
      const features = dropout > 0 ? (tf.dropout(h, dropout, undefined, seed) as tf.Tensor2D) : h;
      const logits = features.matMul(this.weight('track_head/kernel')).add(this.weight('track_head/bias')) as tf.Tensor2D;
      return { hidden: h, logits };
    });
  }

  private weight(name: string): tf.Variable {
    const variable = this.weights.get(name);
    if (!variable) throw new Error(`model has no weight ${name}`);
    return variable;
  }
}

let nextVariableId = 0;

/** 'valid' convolution over time, as im2col + matMul: x [n, frames, channels] → [n, frames-k+1, filters]. */
function convolveTime(x: tf.Tensor3D, kernel: tf.Tensor, bias: tf.Tensor, size: number): tf.Tensor3D {
  const [n, frames, channels] = x.shape;
  const out = frames - size + 1;
  const columns = size === 1 ? x : tf.concat(Array.from({ length: size }, (_, k) => x.slice([0, k, 0], [n, out, channels])), 2);
  const filters = kernel.shape[1]!;
  return columns
    .reshape([n * out, size * channels])
    .matMul(kernel as tf.Tensor2D)
    .add(bias)
    .reshape([n, out, filters]);
}

/** Non-overlapping max pooling over time; a trailing remainder is dropped (like 'valid'). */
function maxPoolTime(x: tf.Tensor3D, pool: number): tf.Tensor3D {
  if (pool === 1) return x;
  const [n, frames, channels] = x.shape;
  const out = Math.floor(frames / pool);
  // Element-wise maximum of the pool's frames: tf's max-reduction gradient (broadcast equal + mul)
  // is ~8× slower on wasm than maximum's.
  const rows = x.slice([0, 0, 0], [n, out * pool, channels]).reshape([n * out, pool * channels]) as tf.Tensor2D;
  const frameSlices = Array.from({ length: pool }, (_, k) => rows.slice([0, k * channels], [n * out, channels]));
  return maximumOf(frameSlices).reshape([n, out, channels]);
}

/** Global max over time, [n, frames, channels] → [n, channels], by the same element-wise maximum. */
function maxOverTime(x: tf.Tensor3D): tf.Tensor2D {
  return maximumOf(tf.unstack(x, 1) as tf.Tensor2D[]);
}

function maximumOf(tensors: tf.Tensor2D[]): tf.Tensor2D {
  return tensors.reduce((a, b) => tf.maximum(a, b));
}
