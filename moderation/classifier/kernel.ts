/**
 * Runs a TensorFlow.js kernel by name, as an op does but without the engine scope every op opens
 * and closes around itself: in the network's forward pass those scopes made most of the garbage
 * of a batch. Same kernels, so the same numbers; gradients are recorded as for the op.
 */
import * as tf from '@tensorflow/tfjs';

/** The output of kernel `name` (e.g. `tf.Add`) on `inputs`. */
export function runKernel<T extends tf.Tensor>(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): T {
  return tf.engine().runKernel<T>(name, inputs, attrs);
}
