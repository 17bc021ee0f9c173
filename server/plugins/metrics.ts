import fp from 'fastify-plugin';
import { createMetrics, type TrellisMetrics } from '../metrics/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's Prometheus instruments (a registry of its own). */
    metrics: TrellisMetrics;
  }
}

/**
 * Creates the node's metrics and serves them at `GET /metrics` in Prometheus text format. The route
 * is unauthenticated like any scrape target: keep the node's port on a private network.
 */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    const metrics = createMetrics({ nodeId: config.NODE_ID || `${config.HOST}:${config.PORT}` });
    fastify.decorate('metrics', metrics);
    fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    });
    fastify.addHook('onClose', () => metrics.registry.clear());
  },
  { name: 'metrics', dependencies: ['config'] },
);
