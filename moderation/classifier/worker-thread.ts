/**
 * One worker thread running `worker-entry.ts`: started, waited for until its model is loaded,
 * sent score requests whose replies are matched by id. When the thread stops without being asked
 * (an uncaught error, running out of memory), every request in flight is rejected and `lost`
 * resolves, so the owner can fail closed and replace it.
 */
import { Worker } from 'node:worker_threads';
import type { ModelMetadata } from './metadata.ts';
import { ModelFileError } from './model-files.ts';
import type { ScoreRequest, WorkerReply, WorkerSettings } from './worker-protocol.ts';

/**
 * Runs the TypeScript entry in the new thread: loader hooks of the parent (tsx) do not reach a
 * worker's entry point on every Node version, so the thread registers tsx itself, then imports it.
 */
const BOOTSTRAP = (entry: string, tsx: string): string =>
  `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;

interface InFlight {
  resolve: (scores: Float32Array) => void;
  reject: (error: Error) => void;
}

/** A started worker thread with its model loaded. Build it with `WorkerThread.start`. */
export class WorkerThread {
  readonly metadata: ModelMetadata;
  /** Resolves with the reason when the thread stops without `terminate`; never otherwise. */
  readonly lost: Promise<Error>;
  readonly #worker: Worker;
  readonly #inFlight = new Map<number, InFlight>();
  #nextId = 0;
  /** Why the thread stopped, once it has. */
  #stopped: Error | undefined;
  #terminating = false;

  private constructor(worker: Worker, metadata: ModelMetadata) {
    this.#worker = worker;
    this.metadata = metadata;
    let onLost: (error: Error) => void = () => undefined;
    this.lost = new Promise((resolve) => {
      onLost = resolve;
    });
    let crash: Error | undefined;
    worker.on('message', (reply: WorkerReply) => this.#settle(reply));
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('exit', (code) => {
      const error = new Error(`toxicity model worker stopped (${crash ? crash.message : `exit code ${code}`})`, { cause: crash });
      this.#stopped = error;
      for (const pending of this.#inFlight.values()) pending.reject(error);
      this.#inFlight.clear();
      if (!this.#terminating) onLost(error);
    });
  }

  /**
   * Starts a thread and waits until its model is loaded. Rejects with a `ModelFileError` naming the
   * file when the model is missing or corrupt, or with the thread's error when it fails otherwise.
   */
  static start(settings: WorkerSettings): Promise<WorkerThread> {
    const entry = new URL('./worker-entry.ts', import.meta.url).href;
    const worker = new Worker(BOOTSTRAP(entry, import.meta.resolve('tsx/esm/api')), { eval: true, workerData: settings });
    return new Promise<WorkerThread>((resolve, reject) => {
      const fail = (error: Error): void => {
        cleanUp();
        void worker.terminate();
        reject(error);
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.type === 'ready') {
          cleanUp();
          resolve(new WorkerThread(worker, reply.metadata));
        } else if (reply.type === 'load-failed') {
          fail(reply.file === undefined ? new Error(`toxicity model failed to load: ${reply.reason}`) : new ModelFileError(reply.file, reply.reason));
        }
      };
      const onError = (error: Error): void => fail(new Error(`toxicity model worker failed to start: ${error.message}`, { cause: error }));
      const onExit = (code: number): void => fail(new Error(`toxicity model worker exited with code ${code} before its model loaded`));
      const cleanUp = (): void => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  /** Scores normalised texts with one inference: `texts.length × labels` probabilities, row after row. */
  score(texts: string[]): Promise<Float32Array> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.#inFlight.set(id, { resolve, reject });
      this.#worker.postMessage({ id, texts } satisfies ScoreRequest);
    });
  }

  /** Stops the thread; requests in flight are rejected; `lost` stays pending. */
  async terminate(): Promise<void> {
    this.#terminating = true;
    await this.#worker.terminate();
  }

  /** Stops the thread as a crash would: requests in flight are rejected and `lost` resolves. */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }

  #settle(reply: WorkerReply): void {
    if (reply.type !== 'scores' && reply.type !== 'failed') return;
    const pending = this.#inFlight.get(reply.id);
    if (!pending) return;
    this.#inFlight.delete(reply.id);
    if (reply.type === 'scores') pending.resolve(reply.scores);
    else pending.reject(new Error(reply.reason));
  }
}
