/** Selects the TensorFlow.js WASM backend, with its .wasm files read from the installed package. */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

// NOTE: TensorFlow.js keeps one backend per process, so one shared initialisation is the honest shape.
let ready: Promise<void> | undefined;

/** Initialises the WASM backend once per process; later calls return the same promise. */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) throw new Error(`TensorFlow.js WASM backend failed to start from ${dist}`);
    await tf.ready();
  })();
  return ready;
}
