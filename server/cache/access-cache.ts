/**
 * What access checks need of each conversation (members and their roles, the mentorship's status
 * and program), read once per node and dropped when the conversation's access changes: its
 * mentorship ended or its members changed (`CHANGE_KINDS.access` on the bus), or the bus resynced.
 */
import type { ConversationAccess } from '../repositories/messages.ts';
import { BoundedCache } from './bounded-cache.ts';

/** Reads a conversation's access from the database (null when it does not exist). */
export type AccessLoader = (conversationId: string) => Promise<ConversationAccess | null>;

/** The node's cache of conversation access. */
export class ConversationAccessCache {
  readonly #read: AccessLoader;
  readonly #cache: BoundedCache<ConversationAccess>;

  constructor(options: { read: AccessLoader; ttlMs: number; maxEntries: number }) {
    this.#read = options.read;
    this.#cache = new BoundedCache({ maxWeight: options.maxEntries, ttlMs: options.ttlMs });
  }

  /**
   * A conversation's access, or null when it does not exist (not cached: it may be created). Its
   * `lastSeq` is the one read with it and lags behind newer messages: read the current one where it matters.
   */
  get(conversationId: string): Promise<ConversationAccess | null> {
    return this.#cache.read(conversationId, async () => {
      const access = await this.#read(conversationId);
      return access && { value: access, scope: conversationId };
    });
  }

  /** Forgets a conversation's access (it changed), including reads running right now. */
  forget(conversationId: string): void {
    this.#cache.invalidate(conversationId);
  }

  /** Forgets everything (the bus may have lost changes). */
  clear(): void {
    this.#cache.clear();
  }
}
