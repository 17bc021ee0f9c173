import * as tf from '@tensorflow/tfjs';
import t from 'tap';
import { useWasmBackend } from './backend.ts';
import type { SparseVector } from './features.ts';
import { BatchPacker, pack, sparseMatMul, sparseProduct, type PackedBatch } from './sparse.ts';

const vectors: SparseVector[] = [
  { indices: Int32Array.from([1, 4, 7]), values: Float32Array.from([0.5, 0.5, 0.25]) },
  { indices: new Int32Array(0), values: new Float32Array(0) },
  { indices: Int32Array.from([0, 7]), values: Float32Array.from([0.75, 0.1]) },
  { indices: new Int32Array(0), values: new Float32Array(0) },
];
const denseValues = vectors.flatMap((v) => Array.from({ length: 8 }, (_, column) => v.values[v.indices.indexOf(column)] ?? 0));

t.test('the sparse product and its gradient equal the dense ones', async (t) => {
  await useWasmBackend();
  const dense = tf.tensor2d(denseValues, [vectors.length, 8]);
  const kernel = tf.randomNormal([8, 3], 0, 1, 'float32', 7) as tf.Tensor2D;
  const batch = pack(vectors);
  const close = (a: tf.Tensor, b: tf.Tensor): boolean => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! < 1e-5;
  t.ok(close(sparseMatMul(batch, kernel), tf.matMul(dense, kernel)), 'same product; empty rows are zeros');
  t.ok(close(sparseProduct(batch, kernel), tf.matMul(dense, kernel)), 'the inference product too');
  const weights = tf.randomNormal([vectors.length, 3], 0, 1, 'float32', 8);
  const sparseGrad = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(sparseMatMul(batch, k as tf.Tensor2D), weights)))(kernel);
  const denseGrad = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.matMul(dense, k as tf.Tensor2D), weights)))(kernel);
  t.ok(close(sparseGrad, denseGrad), 'same gradient');
});

t.test('packing groups a row by value in order of first appearance, entries in index order', async (t) => {
  const batch = pack([
    { indices: Int32Array.from([1, 4, 7, 9]), values: Float32Array.from([0.5, 0.25, 0.5, 0.25]) },
    { indices: new Int32Array(0), values: new Float32Array(0) },
    { indices: Int32Array.from([3]), values: Float32Array.from([1]) },
  ]);
  t.equal(batch.rows, 3);
  t.same([...batch.indices], [1, 7, 4, 9, 0, 3]);
  t.same([...batch.groups], [0, 0, 1, 1, 2, 3]);
  t.same([...batch.groupValues], [0.5, 0.25, 0, 1]);
  t.same([...batch.groupRows], [0, 0, 1, 2], 'the empty row has one zero-valued group');
});

t.test('a packer reused from batch to batch packs each as a fresh one would', async (t) => {
  const packer = new BatchPacker();
  const plain = (batch: PackedBatch): number[][] => [batch.indices, batch.groups, batch.groupValues, batch.groupRows].map((a) => [...a]);
  for (const batch of [vectors, vectors.slice(2), [...vectors].reverse()]) {
    for (const vector of batch) packer.add(vector);
    const taken = packer.take();
    t.equal(taken.rows, batch.length);
    t.same(plain(taken), plain(pack(batch)));
  }
});
