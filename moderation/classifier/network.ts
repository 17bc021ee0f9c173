/** The classifier network: its layers-model form (saved and loaded), its sparse forward pass, its masked loss. */
import * as tf from '@tensorflow/tfjs';
import { runKernel } from './kernel.ts';
import { sparseProduct, type PackedBatch } from './sparse.ts';

/** Shape and optimiser of the network; stored in the model metadata. */
export interface NetworkSettings {
  /** Width of the hidden layer. */
  hidden: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
}

/** Target value meaning "this source does not label this example". */
export const MISSING = -1;

/** The weights of the two dense layers, in layers-model order. */
export interface NetworkWeights {
  hiddenKernel: tf.Tensor2D;
  hiddenBias: tf.Tensor1D;
  outputKernel: tf.Tensor2D;
  outputBias: tf.Tensor1D;
}

/**
 * Hashed features → Dense(hidden, relu) → Dense(labels, sigmoid), with seeded initialisation.
 * Layer names are part of the model format (`hidden`, `output`): the runtime reads their weights.
 */
export function buildNetwork(inputDim: number, outputs: number, hidden: number, seed: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      name: 'hidden',
      inputShape: [inputDim],
      units: hidden,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      name: 'output',
      units: outputs,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return model;
}

/** The weights of `model`'s `hidden` and `output` layers (the model's own tensors, not copies). */
export function networkWeights(model: tf.LayersModel): NetworkWeights {
  const [hiddenKernel, hiddenBias] = model.getLayer('hidden').getWeights();
  const [outputKernel, outputBias] = model.getLayer('output').getWeights();
  if (!hiddenKernel || !hiddenBias || !outputKernel || !outputBias) {
    throw new Error('model lacks the kernel and bias of its `hidden` and `output` layers');
  }
  return {
    hiddenKernel: hiddenKernel as tf.Tensor2D,
    hiddenBias: hiddenBias as tf.Tensor1D,
    outputKernel: outputKernel as tf.Tensor2D,
    outputBias: outputBias as tf.Tensor1D,
  };
}

/** Applies `f` to each of the four weights (e.g. to copy them or make them variables). */
export function mapWeights(weights: NetworkWeights, f: (weight: tf.Tensor) => tf.Tensor): NetworkWeights {
  return {
    hiddenKernel: f(weights.hiddenKernel) as tf.Tensor2D,
    hiddenBias: f(weights.hiddenBias) as tf.Tensor1D,
    outputKernel: f(weights.outputKernel) as tf.Tensor2D,
    outputBias: f(weights.outputBias) as tf.Tensor1D,
  };
}

/**
 * Label probabilities (`[rows, labels]`) of a packed batch; the same function as the layers model.
 * `multiply` is the sparse product of the first layer: `sparseMatMul` when training (it has a gradient).
 */
export function forward(batch: PackedBatch, weights: NetworkWeights, multiply = sparseProduct): tf.Tensor2D {
  const hidden = runKernel(tf.Relu, { x: runKernel(tf.Add, { a: multiply(batch, weights.hiddenKernel), b: weights.hiddenBias }) });
  const product = runKernel(tf.BatchMatMul, { a: hidden, b: weights.outputKernel }, { transposeA: false, transposeB: false });
  return runKernel<tf.Tensor2D>(tf.Sigmoid, { x: runKernel(tf.Add, { a: product, b: weights.outputBias }) });
}

/** Mean binary cross-entropy over the labels each example carries (targets equal to `MISSING` are skipped). */
export function maskedBinaryCrossEntropy(targets: tf.Tensor, predictions: tf.Tensor): tf.Scalar {
  const mask = tf.cast(tf.greaterEqual(targets, 0), 'float32');
  const y = tf.mul(targets, mask);
  const p = tf.clipByValue(predictions, 1e-7, 1 - 1e-7);
  const perLabel = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
  return tf.div(tf.sum(tf.mul(perLabel, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}
