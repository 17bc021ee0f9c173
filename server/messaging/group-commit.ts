/**
 * Group commit: requests that arrive while a batch is being written wait and are written together in
 * the next batch, so the fixed cost of a transaction (its round trips, its locks, its commit) is paid
 * once per batch instead of once per request. Under light load a batch holds one request and adds
 * no delay; under heavy load batches grow instead of queues. The work that follows a batch's commit
 * (answering and publishing) may run while the next batch is written.
 */

/** One request in a batch, settled by the batch writer. */
export interface BatchEntry<Item, Result> {
  readonly item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** How batches are formed and written. */
export interface GroupCommitOptions<Item, Result> {
  /**
   * Writes one batch and settles every entry of it (entries it leaves unsettled are rejected). It may
   * resolve early, with `{ finishing }`: the next batch starts at once, and the entries are settled
   * by the time `finishing` resolves.
   */
  write(batch: BatchEntry<Item, Result>[]): Promise<void | { finishing: Promise<void> }>;
  /** Largest batch. */
  maxBatch: number;
  /**
   * Requests with the same key never share a batch: the later one waits for the next, so it sees
   * what the earlier one wrote (e.g. a resend of the same client id).
   */
  keyOf(item: Item): string;
  /** Told the number of requests waiting whenever it changes. */
  onDepth?(depth: number): void;
}

/** A queue that writes its requests in batches, one batch at a time. */
export class GroupCommit<Item, Result> {
  readonly #options: GroupCommitOptions<Item, Result>;
  #waiting: BatchEntry<Item, Result>[] = [];
  #writing = false;

  constructor(options: GroupCommitOptions<Item, Result>) {
    this.#options = options;
  }

  /** Queues a request; settles when its batch is written. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#options.onDepth?.(this.#waiting.length);
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#take();
        this.#options.onDepth?.(this.#waiting.length);
        await this.#write(batch);
      }
    } finally {
      this.#writing = false;
    }
  }

  /** The next batch: waiting requests in order, skipping keys already in it, up to `maxBatch`. */
  #take(): BatchEntry<Item, Result>[] {
    const batch: BatchEntry<Item, Result>[] = [];
    const left: BatchEntry<Item, Result>[] = [];
    const keys = new Set<string>();
    for (const entry of this.#waiting) {
      const key = this.#options.keyOf(entry.item);
      if (batch.length >= this.#options.maxBatch || keys.has(key)) {
        left.push(entry);
        continue;
      }
      keys.add(key);
      batch.push(entry);
    }
    this.#waiting = left;
    return batch;
  }

  async #write(batch: BatchEntry<Item, Result>[]): Promise<void> {
    const settled = new Set<BatchEntry<Item, Result>>();
    const tracked = batch.map((entry) => ({
      item: entry.item,
      resolve: (result: Result) => {
        settled.add(entry);
        entry.resolve(result);
      },
      reject: (error: unknown) => {
        settled.add(entry);
        entry.reject(error);
      },
    }));
    const rejectUnsettled = (failure: unknown) => {
      for (const entry of batch) if (!settled.has(entry)) entry.reject(failure);
    };
    const unanswered = new Error('the batch writer left a request unanswered');
    try {
      const written = await this.#options.write(tracked);
      if (written) void written.finishing.then(() => rejectUnsettled(unanswered), rejectUnsettled);
      else rejectUnsettled(unanswered);
    } catch (error) {
      rejectUnsettled(error);
    }
  }
}
