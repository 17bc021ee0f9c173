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

/** The distinct values of `values`, in order of first appearance, written to `into`; returns how many. */
function distinctValues(values: Float32Array, into: Float32Array): number {
  let distinct = 0;
  for (let k = 0; k < values.length; k++) {
    const value = values[k] as number;
    let g = 0;
    while (g < distinct && into[g] !== value) g++;
    if (g === distinct) into[distinct++] = value;
  }
  return distinct;
}

/**
 * Packs vectors into one grouped batch. A row's groups follow the first appearance of their value
 * in the row, and a group's entries keep the row's (ascending) index order. Every row gets at least
 * one group (a zero-valued one when it has no features), so segment sums return every row.
 */
export function pack(vectors: readonly SparseVector[]): PackedBatch {
  let entryCount = 0;
  let groupCount = 0;
  let widest = 0;
  const longest = vectors.reduce((most, vector) => Math.max(most, vector.values.length), 1);
  const scratch = new Float32Array(longest);
  const groupOfEntry = new Int32Array(longest);
  for (const vector of vectors) {
    const distinct = distinctValues(vector.values, scratch);
    entryCount += Math.max(vector.indices.length, 1);
    groupCount += Math.max(distinct, 1);
    widest = Math.max(widest, distinct);
  }
  const batch: PackedBatch = {
    rows: vectors.length,
    indices: new Int32Array(entryCount),
    groups: new Int32Array(entryCount),
    groupValues: new Float32Array(groupCount),
    groupRows: new Int32Array(groupCount),
  };
  const starts = new Int32Array(widest + 1);
  let entry = 0;
  let group = 0;
  vectors.forEach((vector, row) => {
    const distinct = distinctValues(vector.values, scratch);
    if (distinct === 0) {
      batch.groupRows[group] = row;
      batch.groups[entry++] = group++;
      return;
    }
    // Counting sort of the row's entries by group: sizes, then start offsets, then placement.
    starts.fill(0, 0, distinct + 1);
    const { indices, values } = vector;
    for (let k = 0; k < values.length; k++) {
      const g = groupOf(values[k] as number, scratch);
      groupOfEntry[k] = g;
      starts[g + 1] = (starts[g + 1] as number) + 1;
    }
    for (let g = 0; g < distinct; g++) {
      starts[g + 1] = (starts[g + 1] as number) + (starts[g] as number);
      batch.groupValues[group + g] = scratch[g] as number;
      batch.groupRows[group + g] = row;
    }
    for (let k = 0; k < values.length; k++) {
      const g = groupOfEntry[k] as number;
      const at = entry + (starts[g] as number);
      starts[g] = (starts[g] as number) + 1;
      batch.indices[at] = indices[k] as number;
      batch.groups[at] = group + g;
    }
    entry += values.length;
    group += distinct;
  });
  return batch;
}

/** The position of `value` among the distinct values (it is there). */
function groupOf(value: number, distinct: Float32Array): number {
  let g = 0;
  while (distinct[g] !== value) g++;
  return g;
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
