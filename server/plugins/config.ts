import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configuration, validated once at start-up. */
    config: Config;
  }
}

/** Exposes the validated configuration as `fastify.config`. */
export default fp<{ config: Config }>(
  async (fastify, options) => {
    fastify.decorate('config', options.config);
  },
  { name: 'config' },
);
