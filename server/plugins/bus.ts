import fp from 'fastify-plugin';
import type { Bus } from '../bus/bus.ts';
import { LocalBus } from '../bus/local-bus.ts';
import { RedisBus } from '../bus/redis-bus.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bus between nodes: in-process by default, Redis when REDIS_URL is set. */
    bus: Bus;
  }
}

/** Connects the bus chosen by configuration. */
export default fp(
  async (fastify) => {
    const url = fastify.config.REDIS_URL;
    const bus: Bus = url ? await RedisBus.connect(url, (error) => fastify.log.warn({ err: error }, 'redis bus error')) : new LocalBus();
    fastify.log.info({ bus: bus.kind }, 'bus ready');
    fastify.decorate('bus', bus);
    fastify.addHook('onClose', () => bus.close());
  },
  { name: 'bus', dependencies: ['config'] },
);
