import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CnnLstmModel, type CnnLstmConfig } from '../../core/ml/model.js';

/**
 * The model's convolutions are im2col + matMul and its pooling is element-wise maximum (so they
 * train on wasm). This checks them, forward and backward, against tf.conv1d and tf.maxPool on the
 * cpu backend, which has reference kernels and gradients for both.
 */
const TINY: CnnLstmConfig = {
  labels: ['a', 'b'],
  nMels: 5,
  patchFrames: 12,
  sequencePatches: 2,
  inputPool: { frames: 1, bands: 1 },
  conv: [
    { kernel: 3, filters: 4, pool: 2 },
    { kernel: 2, filters: 3, pool: 1 },
  ],
  lstmUnits: 2,
  dropout: 0,
};

before(async () => {
  await tf.setBackend('cpu');
});

/** The same front end from tf's own ops: conv1d, ReLU, maxPool, then mean and max over time. */
function referenceEmbedding(x: tf.Tensor3D, kernels: tf.Tensor3D[], biases: tf.Tensor1D[]): tf.Tensor2D {
  let y: tf.Tensor3D = x;
  TINY.conv.forEach((layer, i) => {
    y = tf.conv1d(y, kernels[i], 1, 'valid').add(biases[i]).relu() as tf.Tensor3D;
    if (layer.pool > 1) {
      const [n, frames, channels] = y.shape;
      y = tf.maxPool(y.reshape([n, frames, 1, channels]) as tf.Tensor4D, [layer.pool, 1], [layer.pool, 1], 'valid').squeeze([2]) as tf.Tensor3D;
    }
  });
  return tf.concat([y.mean(1), y.max(1)], 1) as tf.Tensor2D;
}

test('the im2col convolutions and max-pooling match tf.conv1d and tf.maxPool, values and gradients', () => {
  const model = CnnLstmModel.create(TINY, 3);
  try {
    tf.tidy(() => {
      const x = tf.randomNormal([3, TINY.patchFrames, TINY.nMels], 0, 1, 'float32', 7) as tf.Tensor3D;
      // A fixed random projection, so every embedding component gets a distinct gradient.
      const projection = tf.randomNormal([2 * TINY.conv[1].filters, 1], 0, 1, 'float32', 11);
      const ours = model.weights;
      const kernelNames = TINY.conv.map((_, i) => `conv${i}/kernel`);
      const biasNames = TINY.conv.map((_, i) => `conv${i}/bias`);
      // Our kernel is [kernel × channels, filters] with the tap as the outer index: conv1d's [kernel, channels, filters].
      let channels = TINY.nMels;
      const referenceKernels = TINY.conv.map((layer, i) => {
        const kernel = tf.variable(ours.get(kernelNames[i])!.reshape([layer.kernel, channels, layer.filters]) as tf.Tensor3D);
        channels = layer.filters;
        return kernel;
      });
      const referenceBiases = biasNames.map((name) => tf.variable(ours.get(name)!.clone() as tf.Tensor1D));

      const ourLoss = () => model.embedPatches(x).matMul(projection).sum() as tf.Scalar;
      const referenceLoss = () => referenceEmbedding(x, referenceKernels, referenceBiases).matMul(projection).sum() as tf.Scalar;
      assert.ok(Math.abs(ourLoss().dataSync()[0] - referenceLoss().dataSync()[0]) < 1e-4, 'forward pass differs');

      const ourGrads = tf.variableGrads(ourLoss, [...kernelNames, ...biasNames].map((name) => ours.get(name)!)).grads;
      const referenceGrads = tf.variableGrads(referenceLoss, [...referenceKernels, ...referenceBiases]).grads;
      [...kernelNames, ...biasNames].forEach((name, i) => {
        const reference = referenceGrads[[...referenceKernels, ...referenceBiases][i].name];
        const ourGrad = ourGrads[ours.get(name)!.name].reshape(reference.shape);
        const scale = reference.abs().max().dataSync()[0];
        const difference = ourGrad.sub(reference).abs().max().dataSync()[0];
        assert.ok(scale > 1e-3, `${name}: the reference gradient vanishes, the check would be empty`);
        assert.ok(difference < 1e-4 * Math.max(1, scale), `${name}: gradient differs by ${difference} (scale ${scale})`);
      });
      for (const variable of [...referenceKernels, ...referenceBiases]) variable.dispose();
    });
  } finally {
    model.dispose();
  }
});
