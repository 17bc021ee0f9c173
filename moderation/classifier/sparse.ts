/**
 * Sparse products of a batch of hashed feature vectors with a dense kernel, for the first layer
 * (the input is almost all zeros, so the product is a weighted sum of the kernel rows present).
 */
import * as tf from '@tensorflow/tfjs';
import type { SparseVector } from './features.ts';

/** A batch of sparse vectors as flat arrays: entry `e` is `values[e]` at column `indices[e]` of row `segments[e]`. */
export interface PackedBatch {
  rows: number;
  indices: Int32Array;
  values: Float32Array;
  /** Row of each entry, ascending. */
  segments: Int32Array;
}

/**
 * Packs vectors into one batch. A trailing zero-valued entry in the last row makes segment sums
 * return every row even when the last texts have no features.
 */
export function pack(vectors: readonly SparseVector[]): PackedBatch {
  const total = vectors.reduce((sum, v) => sum + v.indices.length, 0) + 1;
  const batch: PackedBatch = {
    rows: vectors.length,
    indices: new Int32Array(total),
    values: new Float32Array(total),
    segments: new Int32Array(total),
  };
  let at = 0;
  vectors.forEach((vector, row) => {
    batch.indices.set(vector.indices, at);
    batch.values.set(vector.values, at);
    batch.segments.fill(row, at, at + vector.indices.length);
    at += vector.indices.length;
  });
  batch.segments[at] = Math.max(vectors.length - 1, 0);
  return batch;
}

/** The batch times `kernel` (`[rows, units]`); differentiable with respect to `kernel`. */
export function sparseMatMul(batch: PackedBatch, kernel: tf.Tensor2D): tf.Tensor2D {
  const total = batch.indices.length;
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const indices = tf.tensor1d(batch.indices, 'int32');
    const values = tf.tensor2d(batch.values, [total, 1]);
    const segments = tf.tensor1d(batch.segments, 'int32');
    // NOTE: tensors the gradient reads must be saved, or the engine disposes them after the forward pass.
    save([indices, values, segments]);
    const value = tf.sparse.sparseSegmentSum(tf.mul(tf.gather(w, indices), values), tf.range(0, total, 1, 'int32'), segments);
    // d(product)/d(kernel row j) sums the output gradients of the rows holding j, scaled by the values.
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [i, v, s] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.scatterND(tf.reshape(i, [total, 1]), tf.mul(tf.gather(dy, s), v), w.shape);
    };
    return { value, gradFunc };
  });
  return product(kernel) as tf.Tensor2D;
}
