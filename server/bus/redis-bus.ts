import { Redis } from 'ioredis';
import type { AlertEvent, Bus, BusListener, ConversationEvent, UserEvent } from './bus.ts';

const CHANNELS = {
  conversation: 'trellis:conversation',
  user: 'trellis:user',
  alert: 'trellis:alert',
} as const;

type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/**
 * The bus over Redis pub/sub, with separate publishing and subscribing connections. Every node
 * subscribes to the three channels and keeps what concerns its own sockets. When the subscription
 * reconnects, the listeners are told to resync, since pub/sub does not replay what it missed.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  #listeners: BusListener[] = [];
  #subscribedOnce = false;

  private constructor(publisher: Redis, subscriber: Redis) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
  }

  /** Connects both connections and subscribes; rejects when Redis cannot be reached. */
  static async connect(url: string, onError: (error: Error) => void): Promise<RedisBus> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
    const bus = new RedisBus(new Redis(url, options), new Redis(url, options));
    bus.#publisher.on('error', onError);
    bus.#subscriber.on('error', onError);
    bus.#subscriber.on('message', (channel: string, payload: string) => bus.#dispatch(channel as Channel, payload));
    bus.#subscriber.on('ready', () => {
      if (bus.#subscribedOnce) for (const listener of bus.#listeners) listener.resync();
      bus.#subscribedOnce = true;
    });
    try {
      await Promise.all([bus.#publisher.connect(), bus.#subscriber.connect()]);
      await bus.#subscriber.subscribe(...Object.values(CHANNELS));
    } catch (error) {
      bus.#publisher.disconnect();
      bus.#subscriber.disconnect();
      throw error;
    }
    return bus;
  }

  deliverToConversation(event: ConversationEvent): Promise<void> {
    return this.#publish(CHANNELS.conversation, event);
  }

  /** One `PUBLISH` of the events as a JSON array, which `#dispatch` hands out one by one. */
  async deliverToConversations(events: readonly ConversationEvent[]): Promise<void> {
    if (events.length > 0) await this.#publish(CHANNELS.conversation, events);
  }

  notifyUser(event: UserEvent): Promise<void> {
    return this.#publish(CHANNELS.user, event);
  }

  publishAlert(event: AlertEvent): Promise<void> {
    return this.#publish(CHANNELS.alert, event);
  }

  listen(listener: BusListener): void {
    this.#listeners.push(listener);
  }

  async ping(): Promise<void> {
    await this.#publisher.ping();
  }

  async close(): Promise<void> {
    this.#listeners = [];
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  async #publish(channel: Channel, event: object): Promise<void> {
    await this.#publisher.publish(channel, JSON.stringify(event));
  }

  #dispatch(channel: Channel, payload: string): void {
    if (this.#listeners.length === 0) return;
    const parsed: unknown = JSON.parse(payload);
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) this.#hand(channel, event);
  }

  /** Hands one event to every listener. */
  #hand(channel: Channel, event: unknown): void {
    for (const listener of this.#listeners) {
      switch (channel) {
        case CHANNELS.conversation:
          listener.conversation(event as ConversationEvent);
          break;
        case CHANNELS.user:
          listener.user(event as UserEvent);
          break;
        case CHANNELS.alert:
          listener.alert(event as AlertEvent);
          break;
      }
    }
  }
}
