/**
 * The toxicity model behind a worker thread, so featurising and inference never hold up the event
 * loop: the main thread sends a batch of texts and gets their scores back.
 *
 * A thread that stops unexpectedly fails the batches it held (the runner holds their messages and
 * raises an alert) and is replaced by a new thread loading the same model; later batches wait for
 * it. A replacement that fails to load, or finds another model version on disk, fails every later
 * batch: the stage stays closed until the server restarts.
 */
import type { ModelMetadata } from './metadata.ts';
import { WorkerThread } from './worker-thread.ts';
import type { WorkerSettings } from './worker-protocol.ts';

/** The model in a worker thread. Build it with `ModelWorker.start`. */
export class ModelWorker {
  /** The loaded model's metadata (validated by the thread). */
  readonly metadata: ModelMetadata;
  readonly #settings: WorkerSettings;
  #thread: Promise<WorkerThread>;
  #restarts = 0;
  #closed = false;

  private constructor(settings: WorkerSettings, first: WorkerThread) {
    this.#settings = settings;
    this.metadata = first.metadata;
    this.#thread = Promise.resolve(first);
    this.#watch(first);
  }

  /**
   * Starts the thread and waits for its model. Rejects with a `ModelFileError` naming the file when
   * the model is missing or corrupt.
   */
  static async start(modelDir: string): Promise<ModelWorker> {
    const settings: WorkerSettings = { modelDir };
    return new ModelWorker(settings, await WorkerThread.start(settings));
  }

  /** Threads started to replace one that stopped. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Scores normalised texts with one inference: one row of per-label probabilities per text, in order. */
  async score(texts: string[]): Promise<Float32Array[]> {
    const thread = await this.#thread;
    const flat = await thread.score(texts);
    const width = this.metadata.labels.length;
    if (flat.length !== texts.length * width) throw new Error(`the model worker returned ${flat.length} scores for ${texts.length} texts`);
    return texts.map((_, row) => flat.subarray(row * width, (row + 1) * width));
  }

  /** Ends the current thread at once, as a crash would: its batches in flight fail and a replacement starts. */
  async killThread(): Promise<void> {
    await (await this.#thread).kill();
  }

  /** Stops the thread (batches in flight fail) and starts no other. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#thread.then(
      (thread) => thread.terminate(),
      () => undefined,
    );
  }

  /** Replaces `thread` when it is lost. */
  #watch(thread: WorkerThread): void {
    void thread.lost.then(() => {
      if (this.#closed) return;
      this.#restarts++;
      this.#thread = this.#replacement();
      // A failed replacement fails the batches that wait for it; nothing else waits.
      this.#thread.catch(() => undefined);
    });
  }

  async #replacement(): Promise<WorkerThread> {
    const thread = await WorkerThread.start(this.#settings);
    if (thread.metadata.version !== this.metadata.version) {
      await thread.terminate();
      throw new Error(`the toxicity model on disk is now ${thread.metadata.version}, not ${this.metadata.version}: restart the server to load it`);
    }
    this.#watch(thread);
    return thread;
  }
}
