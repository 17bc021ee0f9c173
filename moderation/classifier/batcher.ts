/**
 * Micro-batching: callers submit one input each; inputs wait at most `maxWaitMs` (or until
 * `maxBatchSize` are waiting) and are run through one inference together; each caller gets its own
 * output. With `maxWaitMs` 0 a batch holds the inputs submitted in the same turn of the event loop.
 * One batch runs at a time (the model has one thread); inputs that arrive meanwhile form the next
 * batch, which starts as soon as the running one ends.
 */

/** Limits of a batcher. */
export interface BatcherOptions {
  /** Most inputs per inference. */
  maxBatchSize: number;
  /** Longest an input waits for others before its batch runs, in ms (0: until the end of the event loop turn). */
  maxWaitMs: number;
  /** Most inputs waiting (not yet running); beyond it `submit` rejects with `QUEUE_FULL`. */
  maxQueue: number;
}

/** Why a submission failed. The pipeline holds the message in every case (fail closed). */
export const BATCHER_ERRORS = {
  QUEUE_FULL: 'CLASSIFIER_QUEUE_FULL',
  INFERENCE_FAILED: 'CLASSIFIER_INFERENCE_FAILED',
  CLOSED: 'CLASSIFIER_CLOSED',
} as const;

/** A submission that got no output; `code` is one of `BATCHER_ERRORS`. */
export class BatcherError extends Error {
  readonly code: (typeof BATCHER_ERRORS)[keyof typeof BATCHER_ERRORS];

  /** An error with a stable code and, for inference failures, the cause. */
  constructor(code: BatcherError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BatcherError';
    this.code = code;
  }
}

/** Counters for metrics. */
export interface BatcherStats {
  /** Inputs waiting now. */
  queueDepth: number;
  /** Inputs in the running batch now. */
  inFlight: number;
  batches: number;
  /** Inputs that went through an inference (successful or not). */
  items: number;
  /** Largest batch so far. */
  largestBatch: number;
  /** Submissions refused because the queue was full. */
  rejectedFull: number;
  /** Inferences that failed. */
  failedBatches: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: Error) => void;
}

/** Groups single submissions into batched calls of `infer`. */
export class MicroBatcher<I, O> {
  readonly #infer: (inputs: I[]) => Promise<O[]>;
  readonly #options: BatcherOptions;
  readonly #onBatch: ((size: number, ms: number) => void) | undefined;
  #queue: Pending<I, O>[] = [];
  /** Cancels the pending start of a batch, if one is scheduled. */
  #cancelStart: (() => void) | undefined;
  #running = 0;
  #inFlight: Promise<void> | undefined;
  #closed = false;
  readonly #stats: Omit<BatcherStats, 'queueDepth' | 'inFlight'> = {
    batches: 0,
    items: 0,
    largestBatch: 0,
    rejectedFull: 0,
    failedBatches: 0,
  };

  /**
   * `infer` must return one output per input, in order. `onBatch` is told each batch's size and
   * duration (e.g. to feed histograms).
   */
  constructor(infer: (inputs: I[]) => Promise<O[]>, options: BatcherOptions, onBatch?: (size: number, ms: number) => void) {
    if (options.maxBatchSize < 1 || options.maxQueue < 1 || options.maxWaitMs < 0) {
      throw new RangeError('batcher needs maxBatchSize ≥ 1, maxQueue ≥ 1 and maxWaitMs ≥ 0');
    }
    this.#infer = infer;
    this.#options = options;
    this.#onBatch = onBatch;
  }

  /** Queues one input; resolves with its output, rejects with a `BatcherError`. */
  submit(input: I): Promise<O> {
    if (this.#closed) return Promise.reject(new BatcherError(BATCHER_ERRORS.CLOSED, 'classifier batcher is closed'));
    if (this.#queue.length >= this.#options.maxQueue) {
      this.#stats.rejectedFull++;
      return Promise.reject(new BatcherError(BATCHER_ERRORS.QUEUE_FULL, `classifier queue full (${this.#options.maxQueue} waiting)`));
    }
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  /** Current counters. */
  stats(): BatcherStats {
    return { ...this.#stats, queueDepth: this.#queue.length, inFlight: this.#running };
  }

  /**
   * Rejects waiting inputs with `CLOSED` and refuses new ones; resolves once the running batch
   * has completed. Safe to call twice.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancel();
    const waiting = this.#queue;
    this.#queue = [];
    for (const pending of waiting) pending.reject(new BatcherError(BATCHER_ERRORS.CLOSED, 'classifier batcher closed'));
    await this.#inFlight;
  }

  /** Runs a batch now if one is full, else makes sure one will start within `maxWaitMs`. */
  #schedule(): void {
    if (this.#running > 0 || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#options.maxBatchSize) {
      this.#runBatch();
      return;
    }
    if (this.#cancelStart) return;
    if (this.#options.maxWaitMs === 0) {
      const immediate = setImmediate(() => this.#runBatch());
      this.#cancelStart = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.#runBatch(), this.#options.maxWaitMs);
      this.#cancelStart = () => clearTimeout(timer);
    }
  }

  #cancel(): void {
    this.#cancelStart?.();
    this.#cancelStart = undefined;
  }

  /** Starts the next batch unless one is running. */
  #runBatch(): void {
    this.#cancel();
    if (this.#running > 0 || this.#queue.length === 0) return;
    this.#inFlight = this.#run(this.#queue.splice(0, this.#options.maxBatchSize));
  }

  async #run(batch: Pending<I, O>[]): Promise<void> {
    this.#running = batch.length;
    this.#stats.batches++;
    this.#stats.items += batch.length;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.length);
    const started = performance.now();
    try {
      const outputs = await this.#infer(batch.map((p) => p.input));
      if (outputs.length !== batch.length) throw new Error(`inference returned ${outputs.length} outputs for ${batch.length} inputs`);
      batch.forEach((pending, i) => pending.resolve(outputs[i] as O));
    } catch (error) {
      this.#stats.failedBatches++;
      const failure = new BatcherError(BATCHER_ERRORS.INFERENCE_FAILED, `classifier inference failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      for (const pending of batch) pending.reject(failure);
    } finally {
      this.#running = 0;
      this.#inFlight = undefined;
      this.#onBatch?.(batch.length, performance.now() - started);
    }
    // Inputs that arrived during the inference have waited already: run them without a new delay.
    if (this.#queue.length > 0 && !this.#closed) this.#runBatch();
  }
}
