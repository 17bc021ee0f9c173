/**
 * The recent screening signals of each conversation (what conversation risk reads before every
 * batch of sends), read once per node and dropped when the conversation gets a new one: at once on
 * the node that stored it, and on every other node when its `CHANGE_KINDS.signals` event arrives
 * (or the bus resyncs). A conversation's signals only ever change by new messages with categories:
 * nothing edits or removes a stored message's categories.
 */
import type { RecentSignal } from '../repositories/messages.ts';
import { BoundedCache } from './bounded-cache.ts';

/** Reads the most recent signals since a time of several conversations, each list oldest first. */
export type SignalsLoader = (conversationIds: string[], since: Date) => Promise<Map<string, RecentSignal[]>>;

/** The node's cache of recent signals, per conversation. */
export class RecentSignalsCache {
  readonly #read: SignalsLoader;
  readonly #cache: BoundedCache<RecentSignal[]>;

  constructor(options: { read: SignalsLoader; ttlMs: number; maxEntries: number }) {
    this.#read = options.read;
    this.#cache = new BoundedCache({ maxWeight: options.maxEntries, ttlMs: options.ttlMs });
  }

  /**
   * The recent signals since a time of each conversation, oldest first: cached ones, and those
   * not cached in one read. A list read with an earlier `since` is cut to this one, which keeps
   * exactly what a read now would find: the most recent signals within the window.
   */
  async get(conversationIds: readonly string[], since: Date): Promise<Map<string, RecentSignal[]>> {
    const from = since.getTime();
    const recent = (list: RecentSignal[]) => list.filter((signal) => signal.at.getTime() >= from);
    const signals = new Map<string, RecentSignal[]>();
    const missing: string[] = [];
    for (const id of conversationIds) {
      const cached = this.#cache.get(id);
      if (cached) signals.set(id, recent(cached));
      else missing.push(id);
    }
    if (missing.length === 0) return signals;
    // One read for every miss, started by the first of them that does not join a read in flight.
    let reading: Promise<Map<string, RecentSignal[]>> | undefined;
    const loaded = await Promise.all(
      missing.map((id) =>
        this.#cache.load(id, async () => ({ value: (await (reading ??= this.#read(missing, since))).get(id) ?? [], scope: id })),
      ),
    );
    for (const [i, id] of missing.entries()) signals.set(id, recent(loaded[i] ?? []));
    return signals;
  }

  /** Forgets a conversation's signals (it has a new one), including reads running right now. */
  forget(conversationId: string): void {
    this.#cache.invalidate(conversationId);
  }

  /** Forgets everything (the bus may have lost changes). */
  clear(): void {
    this.#cache.clear();
  }
}
