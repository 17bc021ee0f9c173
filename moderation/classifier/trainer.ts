/** Mini-batch training of the network on sparse inputs with Adam and the masked loss. */
import * as tf from '@tensorflow/tfjs';
import { forward, mapWeights, maskedBinaryCrossEntropy, networkWeights, type NetworkWeights } from './network.ts';
import { sparseMatMul, type PackedBatch } from './sparse.ts';

/**
 * Trains copies of a layers model's weights. The layers model's own fit would multiply a dense
 * batch by the whole hash space, which is far slower on the WASM backend.
 */
export class Trainer {
  /** The weights being trained; every one a `tf.Variable`. */
  readonly #variables: NetworkWeights;
  readonly #optimizer: tf.Optimizer;

  /** Starts from `model`'s (seeded) initial weights. */
  constructor(model: tf.LayersModel, learningRate: number) {
    this.#variables = mapWeights(networkWeights(model), (weight) => tf.variable(weight.clone()));
    this.#optimizer = tf.train.adam(learningRate);
  }

  /** One optimiser step on a batch; `targets` is `[rows, labels]` row-major with `MISSING` gaps. Returns the loss. */
  step(batch: PackedBatch, targets: Float32Array): number {
    const loss = this.#optimizer.minimize(
      () => {
        const predictions = forward(batch, this.#variables, sparseMatMul);
        return maskedBinaryCrossEntropy(tf.tensor2d(targets, predictions.shape), predictions);
      },
      true,
      Object.values(this.#variables) as tf.Variable[],
    ) as tf.Scalar;
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  }

  /** Writes the trained weights into `model`. */
  commitTo(model: tf.LayersModel): void {
    const v = this.#variables;
    model.setWeights([v.hiddenKernel, v.hiddenBias, v.outputKernel, v.outputBias]);
  }

  /** Releases the variables and the optimiser state. */
  dispose(): void {
    tf.dispose(Object.values(this.#variables));
    this.#optimizer.dispose();
  }
}
