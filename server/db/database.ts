/**
 * Opens Trellis's database: the embedded PGlite (PostgreSQL compiled to WebAssembly, persisted to a
 * folder) by default, or a PostgreSQL server when a URL is given. Both run the same migrations and
 * the same Prisma schema. Only repository modules use the returned client.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, type SqlSession } from './migrations.ts';
import { withPreparedStatements } from './pglite-prepared.ts';
import { statementNamer } from './statement-names.ts';

/** An open database with its Prisma client. */
export interface Database {
  prisma: PrismaClient;
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
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(join(options.dataDir, 'pglite'));
}

/** How many distinct statement texts each database session keeps prepared (see `statementNamer`). */
const PREPARED_STATEMENTS = 300;

async function openPglite(folder: string): Promise<Database> {
  mkdirSync(folder, { recursive: true });
  const pglite = await PGlite.create(folder);
  try {
    await applyMigrations({
      exec: async (sql) => void (await pglite.exec(sql)),
      query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
    });
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(await withPreparedStatements(pglite, PREPARED_STATEMENTS)) });
  return {
    prisma,
    kind: 'pglite',
    ping: async () => void (await pglite.query('SELECT 1')),
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const session: SqlSession = {
      exec: async (sql) => void (await client.query(sql)),
      query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
    };
    await applyMigrations(session);
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // NOTE: an idle client's error (the server restarting) must not crash the process; the pool
  // drops that client and the next query gets a fresh one.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: statementNamer(PREPARED_STATEMENTS) }) });
  return {
    prisma,
    kind: 'postgres',
    ping: async () => void (await pool.query('SELECT 1')),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
