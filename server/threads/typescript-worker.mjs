// The entry of Trellis's worker threads: registers the TypeScript loader, which a worker does not
// inherit from the thread that starts it, then runs the module named in `workerData.entry`.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
