/**
 * Sparse products of a batch of hashed feature vectors with a dense kernel, for the first layer
 * (the input is almost all zeros, so the product is a weighted sum of the kernel rows present).
 *
 * Within one vector most features share a few distinct values (n-grams seen once, twice, …), so
 * entries are grouped by (row, value): a segment sum over the kernel adds each group's rows, the
 * group sums are scaled by their value, and a second segment sum adds a row's groups. Segment sums
 * read the kernel in place; a gather of every present row is many times slower on the WASM backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { SparseVector } from './features.ts';

/** A batch of sparse vectors, grouped: entry `e` is kernel row `indices[e]` in group `groups[e]`. */
export interface PackedBatch {
  rows: number;
  /** Feature index of each entry, ordered by group. */
  indices: Int32Array;
  /** Group of each entry, non-decreasing. */
  groups: Int32Array;
  /** The value shared by a group's entries. */
  groupValues: Float32Array;
  /** The row of each group, non-decreasing. */
  groupRows: Int32Array;
}

/**
 * Packs vectors into one grouped batch. Every row gets at least one group (a zero-valued one when
 * it has no features), so segment sums return every row.
 */
export function pack(vectors: readonly SparseVector[]): PackedBatch {
  const indices: number[] = [];
  const groups: number[] = [];
  const groupValues: number[] = [];
  const groupRows: number[] = [];
  vectors.forEach((vector, row) => {
    const byValue = new Map<number, number[]>();
    vector.values.forEach((value, k) => {
      const members = byValue.get(value) ?? [];
      members.push(vector.indices[k] as number);
      byValue.set(value, members);
    });
    if (byValue.size === 0) byValue.set(0, [0]);
    for (const [value, members] of byValue) {
      const group = groupValues.length;
      groupValues.push(value);
      groupRows.push(row);
      for (const index of members) {
        indices.push(index);
        groups.push(group);
      }
    }
  });
  return {
    rows: vectors.length,
    indices: Int32Array.from(indices),
    groups: Int32Array.from(groups),
    groupValues: Float32Array.from(groupValues),
    groupRows: Int32Array.from(groupRows),
  };
}

/** The batch times `kernel` (`[rows, units]`); differentiable with respect to `kernel`. */
export function sparseMatMul(batch: PackedBatch, kernel: tf.Tensor2D): tf.Tensor2D {
  const groupCount = batch.groupValues.length;
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const indices = tf.tensor1d(batch.indices, 'int32');
    const groups = tf.tensor1d(batch.groups, 'int32');
    const groupValues = tf.tensor2d(batch.groupValues, [groupCount, 1]);
    const groupRows = tf.tensor1d(batch.groupRows, 'int32');
    // NOTE: tensors the gradient reads must be saved, or the engine disposes them after the forward pass.
    save([indices, groups, groupValues, groupRows]);
    const groupSums = tf.mul(tf.sparse.sparseSegmentSum(w, indices, groups), groupValues);
    const value = tf.sparse.sparseSegmentSum(groupSums, tf.range(0, groupCount, 1, 'int32'), groupRows);
    // d(product)/d(kernel row j): the output gradient of the row holding j, times the value of j.
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [i, g, v, r] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const perGroup = tf.mul(tf.gather(dy, r), v);
      return tf.scatterND(tf.reshape(i, [batch.indices.length, 1]), tf.gather(perGroup, g), w.shape);
    };
    return { value, gradFunc };
  });
  return product(kernel) as tf.Tensor2D;
}
