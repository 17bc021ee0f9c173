/**
 * Pages of conversation history as each viewer sees them, so that reading a page nothing changed
 * since costs no query. Pages are per viewer (held and rejected messages are visible to their sender
 * only) and per range. A conversation's pages are dropped on every event that changes its messages:
 * a new message, a held message released, a message rejected or redacted (`CHANGE_KINDS.message`),
 * and all pages on a bus resync. Memory is bounded by an estimate of the pages' size.
 */
import type { WireMessage } from '../realtime/protocol.ts';
import { BoundedCache } from './bounded-cache.ts';

/** A page of history as one viewer sees it. */
export interface HistoryPage {
  messages: WireMessage[];
  /** The conversation's last sequence number (invisible messages included) when the page was read. */
  lastSeq: number;
}

/** The range of a page. */
export interface PageRange {
  afterSeq?: number;
  beforeSeq?: number;
  limit: number;
}

/** Rough bytes a message takes in memory besides its text (ids, dates, the object). */
const MESSAGE_OVERHEAD_BYTES = 400;

/** Rough bytes of a page in memory. */
function bytesOf(page: HistoryPage): number {
  let bytes = 100;
  for (const message of page.messages) bytes += MESSAGE_OVERHEAD_BYTES + 2 * message.body.length;
  return bytes;
}

/** The node's cache of history pages. */
export class HistoryCache {
  readonly #cache: BoundedCache<HistoryPage>;

  constructor(options: { ttlMs: number; maxBytes: number }) {
    this.#cache = new BoundedCache({ maxWeight: options.maxBytes, ttlMs: options.ttlMs, weigh: bytesOf });
  }

  /** A viewer's page of a conversation: cached, or read with `read` (and cached unless it changed meanwhile). */
  async page(conversationId: string, viewerId: string, range: PageRange, read: () => Promise<HistoryPage>): Promise<HistoryPage> {
    const key = `${conversationId}\u0000${viewerId}\u0000${range.afterSeq ?? ''}\u0000${range.beforeSeq ?? ''}\u0000${range.limit}`;
    const page = await this.#cache.read(key, async () => ({ value: await read(), scope: conversationId }));
    // Never null: `read` always finds a page.
    return page!;
  }

  /** Forgets a conversation's pages (its messages changed), including reads running right now. */
  forget(conversationId: string): void {
    this.#cache.invalidate(conversationId);
  }

  /** Forgets every page (the bus may have lost changes). */
  clear(): void {
    this.#cache.clear();
  }
}
