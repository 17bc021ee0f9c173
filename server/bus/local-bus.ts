import type { AlertEvent, Bus, BusListener, ConversationEvent, UserEvent } from './bus.ts';

/**
 * The in-process bus of a single node. Events are handed to the listener on the next microtask,
 * never synchronously, so publishing behaves like the Redis bus (the publisher's stack unwinds first).
 */
export class LocalBus implements Bus {
  readonly kind = 'local' as const;
  #listeners: BusListener[] = [];
  #closed = false;

  deliverToConversation(event: ConversationEvent): Promise<void> {
    return this.#emit((listener) => listener.conversation(event));
  }

  async deliverToConversations(events: readonly ConversationEvent[]): Promise<void> {
    if (events.length > 0) await this.#emit((listener) => events.forEach((event) => listener.conversation(event)));
  }

  notifyUser(event: UserEvent): Promise<void> {
    return this.#emit((listener) => listener.user(event));
  }

  publishAlert(event: AlertEvent): Promise<void> {
    return this.#emit((listener) => listener.alert(event));
  }

  listen(listener: BusListener): void {
    this.#listeners.push(listener);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('bus is closed');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners = [];
  }

  async #emit(deliver: (listener: BusListener) => void): Promise<void> {
    if (this.#closed) throw new Error('bus is closed');
    const listeners = this.#listeners;
    if (listeners.length > 0) queueMicrotask(() => listeners.forEach(deliver));
  }
}
