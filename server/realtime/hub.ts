/**
 * The sockets of one node, indexed by user, conversation and program, and the node's bus listener:
 * it routes what arrives on the bus to the local connections it concerns.
 */
import type { AlertEvent, Bus, BusListener, ConversationEvent, UserEvent } from '../bus/bus.ts';
import { MessageFrame, type BusMessage } from '../messaging/message-view.ts';
import type { TrellisMetrics } from '../metrics/metrics.ts';
import type { ServerFrame } from './protocol.ts';

/** What the hub needs of a connection. */
export interface HubConnection {
  readonly userId: string;
  readonly role: string;
  readonly programId: string | null;
  /** Conversations this connection follows. */
  readonly conversationIds: ReadonlySet<string>;
  send(frame: ServerFrame | { type: string; [field: string]: unknown }): void;
  /** Delivers a message in sequence order (catching up from the database on a gap). */
  deliverMessage(frame: MessageFrame, released: boolean): void;
  /** Starts following a conversation the user just joined. */
  follow(conversationId: string): void;
  /** Catches up every followed conversation from the database (after a bus outage). */
  catchUpAll(): void;
  /** Finishes sends in flight, then closes for shutdown. */
  drain(): Promise<void>;
  /** Closes the socket with a code. */
  close(code: number, reason: string): void;
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): boolean {
  let set = index.get(key);
  const created = !set;
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
  return created;
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = index.get(key);
  if (!set) return false;
  set.delete(value);
  if (set.size > 0) return false;
  index.delete(key);
  return true;
}

/** The node's registry of live connections and its bus listener. */
export class Hub implements BusListener {
  readonly #bus: Bus;
  readonly #metrics: TrellisMetrics | undefined;
  readonly #byUser = new Map<string, Set<HubConnection>>();
  readonly #byConversation = new Map<string, Set<HubConnection>>();
  readonly #coordinatorsByProgram = new Map<string, Set<HubConnection>>();

  constructor(bus: Bus, metrics?: TrellisMetrics) {
    this.#bus = bus;
    this.#metrics = metrics;
    bus.listen(this);
  }

  /** Number of open connections on this node. */
  get size(): number {
    let count = 0;
    for (const set of this.#byUser.values()) count += set.size;
    return count;
  }

  /** Every open connection (for shutdown). */
  *connections(): Iterable<HubConnection> {
    for (const set of this.#byUser.values()) yield* set;
  }

  /** Adds a connection; the user's first connection on this node announces presence. */
  register(connection: HubConnection): void {
    const firstOfUser = addTo(this.#byUser, connection.userId, connection);
    this.#metrics?.connections.inc();
    for (const id of connection.conversationIds) addTo(this.#byConversation, id, connection);
    if (connection.role === 'coordinator' && connection.programId) {
      addTo(this.#coordinatorsByProgram, connection.programId, connection);
    }
    if (firstOfUser) this.#announcePresence(connection, true);
  }

  /** Removes a connection; the user's last connection on this node announces absence. */
  unregister(connection: HubConnection): void {
    // A socket that closed before it was registered has nothing to remove (and was never counted).
    if (!this.#byUser.get(connection.userId)?.has(connection)) return;
    this.#metrics?.connections.dec();
    const lastOfUser = removeFrom(this.#byUser, connection.userId, connection);
    for (const id of connection.conversationIds) removeFrom(this.#byConversation, id, connection);
    if (connection.programId) removeFrom(this.#coordinatorsByProgram, connection.programId, connection);
    if (lastOfUser) this.#announcePresence(connection, false);
  }

  /** Indexes a connection under a conversation it started following. */
  followed(connection: HubConnection, conversationId: string): void {
    addTo(this.#byConversation, conversationId, connection);
  }

  /** Tells the other members of a conversation that a user is typing (not stored). */
  publishTyping(conversationId: string, userId: string): Promise<void> {
    return this.#bus.deliverToConversation({ conversationId, kind: 'typing', userId }).catch(() => {
      // Typing indicators are best effort.
    });
  }

  #announcePresence(connection: HubConnection, online: boolean): void {
    for (const conversationId of connection.conversationIds) {
      this.#bus
        .deliverToConversation({ conversationId, kind: 'presence', userId: connection.userId, online })
        .catch(() => {
          // Presence is best effort: a bus outage must not fail a connect or a disconnect.
        });
    }
  }

  conversation(event: ConversationEvent): void {
    const local = this.#byConversation.get(event.conversationId);
    if (!local) return;
    const frame = event.kind === 'message' || event.kind === 'message.released' ? new MessageFrame(event.message as BusMessage) : null;
    for (const connection of local) {
      switch (event.kind) {
        case 'message':
        case 'message.released':
          connection.deliverMessage(frame!, event.kind === 'message.released');
          break;
        case 'typing':
        case 'presence':
          if (event.userId !== connection.userId) connection.send({ ...event, type: event.kind, kind: undefined });
          break;
        case 'read':
          connection.send({ type: 'read', conversationId: event.conversationId, userId: String(event.userId), seq: Number(event.seq) });
          break;
      }
    }
  }

  user(event: UserEvent): void {
    const local = this.#byUser.get(event.userId);
    if (!local) return;
    for (const connection of local) {
      switch (event.kind) {
        case 'conversation.added':
          connection.follow(String(event.conversationId));
          break;
        case 'logout':
          connection.close(Number(event.closeCode), 'logged out');
          break;
        default:
          connection.send({ ...event, type: event.kind, kind: undefined });
      }
    }
  }

  alert(event: AlertEvent): void {
    for (const connection of this.#coordinatorsByProgram.get(event.programId) ?? []) {
      connection.send({ type: 'alert', alert: event });
    }
  }

  resync(): void {
    for (const connection of this.connections()) connection.catchUpAll();
  }
}
