/**
 * Opens Trellis's database: the embedded PGlite (PostgreSQL compiled to WebAssembly, persisted to a
 * folder) by default, or a PostgreSQL server when a URL is given. Both run the same migrations and
 * the same Prisma schema, and both drivers run on the database thread (`driver-thread.ts`). Only
 * repository modules use the returned client.
 */
import { join } from 'node:path';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { DirectSql } from './direct-sql.ts';
import { startDriverThread } from './driver-thread.ts';

/** An open database with its Prisma client. */
export interface Database {
  prisma: PrismaClient;
  /** The hottest statements, sent to the driver past Prisma (see `direct-sql.ts`). */
  direct: DirectSql;
  kind: 'pglite' | 'postgres';
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
  const driver = await startDriverThread(
    options.url ? { kind: 'postgres', url: options.url, poolSize: options.poolSize ?? 10 } : { kind: 'pglite', folder: join(options.dataDir, 'pglite') },
  );
  const prisma = new PrismaClient({ adapter: driver.factory });
  return {
    prisma,
    direct: driver.direct,
    kind,
    ping: () => driver.ping(),
    close: async () => {
      await prisma.$disconnect();
      await driver.close();
    },
  };
}
