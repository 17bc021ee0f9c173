/**
 * Group commit: requests that arrive while a batch is being written wait and are written together in
 * the next batch, so the fixed cost of a transaction (its round trips, its locks, its commit) is paid
 * once per batch instead of once per request. Under light load a batch holds one request and adds
 * no delay; under heavy load batches grow instead of queues. Batches are written in the order they
 * were formed, each once the writer let the batch before it go (`write` resolved), and steps overlap:
 * a batch is prepared (`prepare`: checks, reads and screening that write nothing) while the batch
 * before it is written, the work that follows a batch's commit (answering and publishing) may run
 * while the next batch is written, and a writer may let the next batch go before its own commits.
 */

/** One request in a batch, settled by the batch writer. */
export interface BatchEntry<Item, Result> {
  readonly item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** How batches are formed and written. */
export interface GroupCommitOptions<Item, Result, Prepared = undefined> {
  /**
   * Prepares one batch while the batch before it is still being written (it must write nothing the
   * batch before could depend on); its answer goes to `write`. If it throws, every entry of the batch
   * it left unsettled is rejected and the batch is not written.
   */
  prepare?(batch: BatchEntry<Item, Result>[]): Promise<Prepared>;
  /**
   * Writes one prepared batch and settles every entry of it (entries it leaves unsettled are
   * rejected). It may resolve early, with `{ finishing }`: the next batch is written at once, and the
   * entries are settled by the time `finishing` resolves (it is the writer's to keep the batches'
   * effects in order).
   */
  write(batch: BatchEntry<Item, Result>[], prepared: Prepared): Promise<void | { finishing: Promise<void> }>;
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

/** A queue that writes its requests in batches, in order. */
export class GroupCommit<Item, Result, Prepared = undefined> {
  readonly #options: GroupCommitOptions<Item, Result, Prepared>;
  #waiting: BatchEntry<Item, Result>[] = [];
  #draining = false;
  /** Wakes a drain that waits for a batch's write to end, when a request arrives meanwhile. */
  #onArrival: (() => void) | undefined;

  constructor(options: GroupCommitOptions<Item, Result, Prepared>) {
    this.#options = options;
  }

  /** Queues a request; settles when its batch is written. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#options.onDepth?.(this.#waiting.length);
      if (!this.#draining) void this.#drain();
      else this.#onArrival?.();
    });
  }

  /**
   * Forms batches while requests wait: each is prepared at once (meanwhile the batch before it is
   * written), then written once the batch before it is.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    let writing: Promise<void> | undefined;
    try {
      while (this.#waiting.length > 0 || writing) {
        if (this.#waiting.length === 0) {
          const arrived = new Promise<void>((resolve) => (this.#onArrival = resolve));
          if (await Promise.race([writing!.then(() => true), arrived.then(() => false)])) writing = undefined;
          this.#onArrival = undefined;
          continue;
        }
        const batch = this.#tracked(this.#take());
        this.#options.onDepth?.(this.#waiting.length);
        const preparing = this.#prepare(batch);
        await writing;
        const prepared = await preparing;
        writing = prepared ? this.#write(batch, prepared.value) : undefined;
      }
    } finally {
      this.#draining = false;
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

  /** The batch's entries, each remembering once it is settled, with `settleRest` to fail the others. */
  #tracked(batch: BatchEntry<Item, Result>[]): TrackedBatch<Item, Result> {
    const settled = new Set<BatchEntry<Item, Result>>();
    const entries = batch.map((entry) => ({
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
    const settleRest = (failure: unknown) => {
      for (const entry of batch) if (!settled.has(entry)) entry.reject(failure);
    };
    return { entries, settleRest };
  }

  /** Prepares a batch; undefined (its entries rejected) when preparing failed. */
  async #prepare(batch: TrackedBatch<Item, Result>): Promise<{ value: Prepared } | undefined> {
    try {
      return { value: this.#options.prepare ? await this.#options.prepare(batch.entries) : (undefined as Prepared) };
    } catch (error) {
      batch.settleRest(error);
      return undefined;
    }
  }

  /** Writes a prepared batch; resolves when the next batch may be written. Never rejects. */
  async #write({ entries, settleRest }: TrackedBatch<Item, Result>, prepared: Prepared): Promise<void> {
    const unanswered = new Error('the batch writer left a request unanswered');
    try {
      const written = await this.#options.write(entries, prepared);
      if (written) void written.finishing.then(() => settleRest(unanswered), settleRest);
      else settleRest(unanswered);
    } catch (error) {
      settleRest(error);
    }
  }
}

/** A batch whose entries remember whether they were settled. */
interface TrackedBatch<Item, Result> {
  entries: BatchEntry<Item, Result>[];
  /** Rejects, with `failure`, every entry not settled yet. */
  settleRest(failure: unknown): void;
}
