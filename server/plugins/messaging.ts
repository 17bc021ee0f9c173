import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Screener } from '../../moderation/types.ts';
import { MessageService, type ScreeningRecorder } from '../messaging/message-service.ts';
import { Hub } from '../realtime/hub.ts';
import { RateLimiter } from '../realtime/rate-limiter.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Screens every message between "accepted" and "delivered". */
    screener: Screener;
    /** Sends and reads messages. */
    messages: MessageService;
    /** This node's live sockets and bus listener. */
    hub: Hub;
    /** Per-user message rate limit of this node. */
    messageRateLimiter: RateLimiter;
  }
}

/** Options of the messaging plugin. */
export interface MessagingPluginOptions {
  /** The screener every message passes through. */
  screener: Screener;
  /** Records each verdict's decision, review, alert and audit rows in the message's transaction. */
  recordScreening?: ScreeningRecorder;
}

/**
 * Lets every socket's sends in flight finish, then closes it with the shutdown code so clients
 * reconnect to another node; gives up waiting after the configured grace period.
 */
export async function drainConnections(fastify: FastifyInstance): Promise<void> {
  const drained = Promise.all([...fastify.hub.connections()].map((connection) => connection.drain()));
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, fastify.config.SHUTDOWN_GRACE_MS).unref())]);
}

/** Wires the screening seam, the message service and the hub. */
export default fp<MessagingPluginOptions>(
  async (fastify, options) => {
    const { config } = fastify;
    fastify.decorate('screener', options.screener);
    fastify.decorate(
      'messages',
      new MessageService({
        prisma: fastify.db.prisma,
        direct: fastify.db.direct,
        writesInOrder: fastify.db.writesInOrder,
        bus: fastify.bus,
        screener: options.screener,
        recordScreening: options.recordScreening,
        maxMessageChars: config.MAX_MESSAGE_CHARS,
        metrics: fastify.metrics,
        caches: fastify.caches,
      }),
    );
    fastify.decorate('hub', new Hub(fastify.bus, fastify.metrics));
    fastify.decorate('messageRateLimiter', new RateLimiter({ perMinute: config.MESSAGE_RATE_PER_MINUTE, burst: config.MESSAGE_BURST }));
    fastify.addHook('onClose', () => options.screener.close());
  },
  { name: 'messaging', dependencies: ['database', 'bus', 'metrics', 'caches'] },
);
