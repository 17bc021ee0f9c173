/** Starts Trellis's TypeScript modules as worker threads. */
import { Worker } from 'node:worker_threads';

/** Runs the TypeScript module at `entry` on a worker thread; it reads `data` (and `entry`) from `workerData`. */
export function startWorker<Data extends object>(entry: URL, data: Data): Worker {
  return new Worker(new URL('./typescript-worker.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}
