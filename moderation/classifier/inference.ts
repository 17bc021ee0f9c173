/** Batched scoring of sparse feature vectors with a loaded network. */
import * as tf from '@tensorflow/tfjs';
import type { SparseVector } from './features.ts';
import { forward, mapWeights, networkWeights, type NetworkWeights } from './network.ts';
import { pack, type PackedBatch } from './sparse.ts';

/** The forward pass of a trained network on sparse inputs, holding its own copy of the weights. */
export class SparseForward {
  readonly #weights: NetworkWeights;
  /** Number of outputs (labels). */
  readonly outputs: number;

  /** Copies the weights of `model`'s `hidden` and `output` layers (the model may be disposed afterwards). */
  constructor(model: tf.LayersModel) {
    this.#weights = mapWeights(networkWeights(model), (weight) => tf.keep(weight.clone()));
    this.outputs = this.#weights.outputBias.shape[0];
  }

  /** Scores of the vectors with one inference, row after row: `vectors.length × outputs` probabilities. */
  scores(vectors: readonly SparseVector[]): Float32Array {
    return this.scoresOf(pack(vectors));
  }

  /**
   * Scores of a packed batch with one inference, row after row: `batch.rows × outputs`
   * probabilities. Synchronous: the WASM backend reads its memory at once.
   */
  scoresOf(batch: PackedBatch): Float32Array {
    if (batch.rows === 0) return new Float32Array(0);
    const probabilities = tf.tidy(() => forward(batch, this.#weights));
    try {
      return probabilities.dataSync() as Float32Array;
    } finally {
      probabilities.dispose();
    }
  }

  /** Scores of each vector: one `Float32Array` of `outputs` probabilities per input, in order. */
  predict(vectors: readonly SparseVector[]): Float32Array[] {
    const flat = this.scores(vectors);
    return vectors.map((_, row) => flat.subarray(row * this.outputs, (row + 1) * this.outputs));
  }

  /** Releases the weight tensors. */
  dispose(): void {
    tf.dispose(Object.values(this.#weights));
  }
}
