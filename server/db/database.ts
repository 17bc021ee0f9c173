/**
 * Opens Trellis's database: the embedded PGlite (PostgreSQL compiled to WebAssembly, persisted to a
 * folder) by default, on the database thread (`driver-thread.ts`), or a PostgreSQL server when a URL
 * is given. Both run the same migrations and the same Prisma schema. Only repository modules use the
 * returned client.
 */
import { join } from 'node:path';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { DirectSql } from './direct-sql.ts';
import { startDriverThread } from './driver-thread.ts';
import { openDriverHere } from './driver.ts';

/** An open database with its Prisma client. */
export interface Database {
  prisma: PrismaClient;
  /** The hottest statements, sent to the driver past Prisma (see `direct-sql.ts`). */
  direct: DirectSql;
  kind: 'pglite' | 'postgres';
  /**
   * Whether statements run one at a time, in the order they are sent, whoever sends them: the
   * embedded database has one session, and PGlite queues statements and transactions in turn.
   */
  writesInOrder: boolean;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where the database is. */
export interface DatabaseOptions {
  /** A PostgreSQL URL, or empty for the embedded database. */
  url: string;
  /** Folder holding the embedded database (`<dataDir>/pglite`); ignored with a URL. */
  dataDir: string;
  /** Largest number of server connections (PostgreSQL only). */
  poolSize?: number;
}

/** Opens the database and applies pending migrations before returning. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const kind = options.url ? 'postgres' : 'pglite';
  // NOTE: PostgreSQL's driver stays on the event loop. On a thread it moved only the wire protocol's
  // work, and its two hops per query cost more than that saved: two nodes sharing two cores with
  // PostgreSQL were slower with it in alternating runs.
  const driver = options.url
    ? await openDriverHere({ kind: 'postgres', url: options.url, poolSize: options.poolSize ?? 10 })
    : await startDriverThread({ kind: 'pglite', folder: join(options.dataDir, 'pglite') });
  const prisma = new PrismaClient({ adapter: driver.factory });
  return {
    prisma,
    direct: driver.direct,
    kind,
    writesInOrder: kind === 'pglite',
    ping: () => driver.ping(),
    close: async () => {
      await prisma.$disconnect();
      await driver.close();
    },
  };
}
