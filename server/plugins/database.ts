import fp from 'fastify-plugin';
import { openDatabase, type Database } from '../db/database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The database (embedded PGlite or a PostgreSQL server), migrated. */
    db: Database;
  }
}

/** Opens and migrates the database at start-up; closes it last on shutdown. */
export default fp(
  async (fastify) => {
    const db = await openDatabase({ url: fastify.config.DATABASE_URL, dataDir: fastify.config.DATA_DIR });
    fastify.log.info({ database: db.kind }, 'database ready');
    fastify.decorate('db', db);
    fastify.addHook('onClose', () => db.close());
  },
  { name: 'database', dependencies: ['config'] },
);
