/**
 * The node's read caches and the bus listener that keeps them exact. Every node hears every bus
 * event, so a change made on any node reaches every node's caches: a logout drops the user's
 * sessions, a new, released, rejected or redacted message drops its conversation's history pages, a
 * change of access (a mentorship ended, members changed) drops the conversation's access and pages,
 * a new screening signal drops the conversation's recent signals, and a resync (the bus reconnected
 * and may have lost events) drops everything.
 */
import { CHANGE_KINDS, type BusListener, type ConversationEvent, type UserEvent } from '../bus/bus.ts';
import type { ConversationAccessCache } from './access-cache.ts';
import type { HistoryCache } from './history-cache.ts';
import type { SessionCache } from './session-cache.ts';
import type { RecentSignalsCache } from './signals-cache.ts';

/** The read caches of a node. */
export interface ReadCaches {
  sessions: SessionCache;
  access: ConversationAccessCache;
  history: HistoryCache;
  signals: RecentSignalsCache;
}

/** Conversation event kinds after which a conversation's history pages are out of date. */
const MESSAGE_KINDS: ReadonlySet<string> = new Set(['message', 'message.released', CHANGE_KINDS.message]);

/** Applies bus events to the read caches. */
export class CacheInvalidation implements BusListener {
  readonly #caches: ReadCaches;

  constructor(caches: ReadCaches) {
    this.#caches = caches;
  }

  conversation(event: ConversationEvent): void {
    if (event.kind === CHANGE_KINDS.access) {
      this.#caches.access.forget(event.conversationId);
      this.#caches.history.forget(event.conversationId);
    } else if (MESSAGE_KINDS.has(event.kind)) {
      this.#caches.history.forget(event.conversationId);
    } else if (event.kind === CHANGE_KINDS.signals) {
      this.#caches.signals.forget(event.conversationId);
    }
  }

  user(event: UserEvent): void {
    if (event.kind === 'logout') this.#caches.sessions.forgetUser(event.userId);
  }

  alert(): void {
    // Alerts change nothing a cache holds.
  }

  resync(): void {
    this.#caches.sessions.clear();
    this.#caches.access.clear();
    this.#caches.history.clear();
    this.#caches.signals.clear();
  }
}
