import type { FastifyPluginAsync } from 'fastify';

/** `/healthz`: the process answers. `/readyz`: the database and the bus answer too. */
const healthRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  fastify.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const checks = await Promise.allSettled([fastify.db.ping(), fastify.bus.ping()]);
    const [database, bus] = checks.map((check) => (check.status === 'fulfilled' ? 'ok' : 'unreachable'));
    const ready = database === 'ok' && bus === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', database, bus });
  });
};

export default healthRoutes;
