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
import { runKernel } from './kernel.ts';

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

/** A typed array with room for `length` elements: `array` itself, or a larger copy of its contents. */
function withRoom<T extends Int32Array | Float32Array>(array: T, length: number, make: (length: number) => T): T {
  if (length <= array.length) return array;
  const grown = make(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}

const int32s = (length: number): Int32Array => new Int32Array(length);
const float32s = (length: number): Float32Array => new Float32Array(length);

/**
 * Packs rows into a grouped batch, in buffers kept from batch to batch (so a steady stream of
 * batches allocates nothing). A row's groups follow the first appearance of their value in the
 * row, and a group's entries keep the row's (ascending) index order. Every row gets at least one
 * group (a zero-valued one when it has no features), so segment sums return every row.
 */
export class BatchPacker {
  #rows = 0;
  #entries = 0;
  #groups = 0;
  /** Per entry, in row order: its feature index and its group. */
  #entryIndices: Int32Array = new Int32Array(1024);
  #entryGroups: Int32Array = new Int32Array(1024);
  /** Per group: its value and its row. */
  #groupValues: Float32Array = new Float32Array(256);
  #groupRows: Int32Array = new Int32Array(256);
  /** The entries ordered by group, and the group start offsets used to order them. */
  #indices: Int32Array = new Int32Array(1024);
  #groupOfEntry: Int32Array = new Int32Array(1024);
  #starts: Int32Array = new Int32Array(257);

  /** Adds a row (its arrays are copied). */
  add(vector: SparseVector): void {
    const { indices, values } = vector;
    const count = Math.max(indices.length, 1);
    this.#entryIndices = withRoom(this.#entryIndices, this.#entries + count, int32s);
    this.#entryGroups = withRoom(this.#entryGroups, this.#entries + count, int32s);
    this.#groupValues = withRoom(this.#groupValues, this.#groups + count, float32s);
    this.#groupRows = withRoom(this.#groupRows, this.#groups + count, int32s);
    const row = this.#rows++;
    if (indices.length === 0) {
      this.#entryIndices[this.#entries] = 0;
      this.#entryGroups[this.#entries++] = this.#groups;
      this.#groupValues[this.#groups] = 0;
      this.#groupRows[this.#groups++] = row;
      return;
    }
    const first = this.#groups;
    for (let k = 0; k < indices.length; k++) {
      const value = values[k] as number;
      let group = first;
      while (group < this.#groups && this.#groupValues[group] !== value) group++;
      if (group === this.#groups) {
        this.#groupValues[group] = value;
        this.#groupRows[group] = row;
        this.#groups++;
      }
      this.#entryIndices[this.#entries] = indices[k] as number;
      this.#entryGroups[this.#entries++] = group;
    }
  }

  /**
   * The batch of the rows added since the last call, and a fresh start for the next. Its arrays are
   * views of this packer's buffers: use them before the next `add`.
   */
  take(): PackedBatch {
    const entries = this.#entries;
    const groups = this.#groups;
    this.#indices = withRoom(this.#indices, entries, int32s);
    this.#groupOfEntry = withRoom(this.#groupOfEntry, entries, int32s);
    this.#starts = withRoom(this.#starts, groups + 1, int32s);
    // A counting sort of the entries by group (stable, so by index within a group).
    const starts = this.#starts;
    starts.fill(0, 0, groups + 1);
    for (let e = 0; e < entries; e++) {
      const next = (this.#entryGroups[e] as number) + 1;
      starts[next] = (starts[next] as number) + 1;
    }
    for (let g = 0; g < groups; g++) starts[g + 1] = (starts[g + 1] as number) + (starts[g] as number);
    for (let e = 0; e < entries; e++) {
      const group = this.#entryGroups[e] as number;
      const at = starts[group] as number;
      starts[group] = at + 1;
      this.#indices[at] = this.#entryIndices[e] as number;
      this.#groupOfEntry[at] = group;
    }
    const batch: PackedBatch = {
      rows: this.#rows,
      indices: this.#indices.subarray(0, entries),
      groups: this.#groupOfEntry.subarray(0, entries),
      groupValues: this.#groupValues.subarray(0, groups),
      groupRows: this.#groupRows.subarray(0, groups),
    };
    this.#rows = 0;
    this.#entries = 0;
    this.#groups = 0;
    return batch;
  }
}

/** Packs vectors into one grouped batch (see `BatchPacker`), in arrays of its own. */
export function pack(vectors: readonly SparseVector[]): PackedBatch {
  const packer = new BatchPacker();
  for (const vector of vectors) packer.add(vector);
  return packer.take();
}

/** A packed batch as tensors. */
interface BatchTensors {
  indices: tf.Tensor1D;
  groups: tf.Tensor1D;
  groupValues: tf.Tensor2D;
  groupRows: tf.Tensor1D;
}

/** The packed batch's arrays as tensors. */
function batchTensors(batch: PackedBatch): BatchTensors {
  return {
    indices: tf.tensor1d(batch.indices, 'int32'),
    groups: tf.tensor1d(batch.groups, 'int32'),
    groupValues: tf.tensor2d(batch.groupValues, [batch.groupValues.length, 1]),
    groupRows: tf.tensor1d(batch.groupRows, 'int32'),
  };
}

/** The product by segment sums: each group's kernel rows, scaled by the group's value, summed per row. */
function segmentProduct(kernel: tf.Tensor, t: BatchTensors): tf.Tensor2D {
  const kernelRowSums = runKernel(tf.SparseSegmentSum, { data: kernel, indices: t.indices, segmentIds: t.groups });
  const groupSums = runKernel(tf.Multiply, { a: kernelRowSums, b: t.groupValues });
  const groupIds = runKernel(tf.Range, {}, { start: 0, stop: t.groupValues.shape[0], step: 1, dtype: 'int32' });
  return runKernel<tf.Tensor2D>(tf.SparseSegmentSum, { data: groupSums, indices: groupIds, segmentIds: t.groupRows });
}

/** The batch times `kernel` (`[rows, units]`), for inference: the same kernels as `sparseMatMul`, no gradient recorded. */
export function sparseProduct(batch: PackedBatch, kernel: tf.Tensor2D): tf.Tensor2D {
  return segmentProduct(kernel, batchTensors(batch));
}

/** The batch times `kernel` (`[rows, units]`); differentiable with respect to `kernel`. */
export function sparseMatMul(batch: PackedBatch, kernel: tf.Tensor2D): tf.Tensor2D {
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [w, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const tensors = batchTensors(batch);
    // NOTE: tensors the gradient reads must be saved, or the engine disposes them after the forward pass.
    save([tensors.indices, tensors.groups, tensors.groupValues, tensors.groupRows]);
    const value = segmentProduct(w, tensors);
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
