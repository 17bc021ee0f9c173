import fp from 'fastify-plugin';
import { ConversationAccessCache } from '../cache/access-cache.ts';
import { HistoryCache } from '../cache/history-cache.ts';
import { CacheInvalidation, type ReadCaches } from '../cache/invalidation.ts';
import { SessionCache } from '../cache/session-cache.ts';
import { RecentSignalsCache } from '../cache/signals-cache.ts';
import { getConversationAccess, listRecentSignals } from '../repositories/messages.ts';
import { findSession } from '../repositories/users.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The node's read caches (sessions, conversation access, history pages, recent signals), kept exact by the bus. */
    caches: ReadCaches;
  }
}

/** Most sessions and conversations a node keeps in its caches. */
const MAX_CACHED_SESSIONS = 50_000;
const MAX_CACHED_CONVERSATIONS = 20_000;

/** Creates the read caches and subscribes them to the bus before anything else listens to it. */
export default fp(
  async (fastify) => {
    const { prisma, direct } = fastify.db;
    const ttlMs = fastify.config.READ_CACHE_MS;
    const caches: ReadCaches = {
      sessions: new SessionCache({ find: (tokenHash, now) => findSession(prisma, tokenHash, now), ttlMs, maxEntries: MAX_CACHED_SESSIONS }),
      access: new ConversationAccessCache({ read: (id) => getConversationAccess(prisma, id), ttlMs, maxEntries: MAX_CACHED_CONVERSATIONS }),
      history: new HistoryCache({ ttlMs, maxBytes: fastify.config.HISTORY_CACHE_MB * 1024 * 1024 }),
      signals: new RecentSignalsCache({ read: (ids, since) => listRecentSignals(direct, ids, since), ttlMs, maxEntries: MAX_CACHED_CONVERSATIONS }),
    };
    fastify.bus.listen(new CacheInvalidation(caches));
    fastify.decorate('caches', caches);
  },
  { name: 'caches', dependencies: ['config', 'database', 'bus'] },
);
