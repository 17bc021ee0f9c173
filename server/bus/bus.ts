/**
 * The bus carries what one node must tell the others: a message to deliver in a conversation,
 * an event for one user, an alert for a program's coordinators. Two implementations share this
 * interface: an in-process one (a single node) and a Redis one (several nodes).
 */

/**
 * Kinds of conversation events that tell every node a conversation's readable state changed, so
 * that node caches drop what they hold of it (sockets ignore them): a stored message changed (a
 * coordinator's rejection or redaction), the conversation's access did (its mentorship ended, its
 * members changed), or it got a new screening signal (a message screening found something in).
 */
export const CHANGE_KINDS = { message: 'message.changed', access: 'conversation.changed', signals: 'signals.changed' } as const;

/** A JSON-serialisable event about a conversation, delivered to its members on every node. */
export interface ConversationEvent {
  conversationId: string;
  /** Discriminates the payload; the realtime layer defines the kinds. */
  kind: string;
  [field: string]: unknown;
}

/** A JSON-serialisable event for every socket of one user. */
export interface UserEvent {
  userId: string;
  kind: string;
  [field: string]: unknown;
}

/** A JSON-serialisable alert for the coordinators of one program. */
export interface AlertEvent {
  programId: string;
  [field: string]: unknown;
}

/** What a node does with what arrives on the bus. */
export interface BusListener {
  conversation(event: ConversationEvent): void;
  user(event: UserEvent): void;
  alert(event: AlertEvent): void;
  /** Events may have been missed (the bus reconnected): catch up from the database. */
  resync(): void;
}

/** Publishes domain events to every node, this one included. */
export interface Bus {
  readonly kind: 'local' | 'redis';
  /** Delivers an event to the members of a conversation, wherever they are connected. */
  deliverToConversation(event: ConversationEvent): Promise<void>;
  /**
   * Delivers several conversation events as one publication (a batch's messages): every node hears
   * them in this order, after everything published before the call. No events publish nothing.
   */
  deliverToConversations(events: readonly ConversationEvent[]): Promise<void>;
  /** Notifies one user on every node. */
  notifyUser(event: UserEvent): Promise<void>;
  /** Raises an alert to a program's coordinators on every node. */
  publishAlert(event: AlertEvent): Promise<void>;
  /** Adds a listener of this node; every listener hears every event, in the order they were added. */
  listen(listener: BusListener): void;
  /** Throws when the bus is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
