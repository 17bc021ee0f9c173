/**
 * Opens the database driver Prisma runs on: the embedded PGlite (PostgreSQL compiled to WebAssembly,
 * persisted to a folder) or a pool of connections to a PostgreSQL server. Both are migrated before
 * the driver is returned. PGlite is opened on the database thread (`driver-worker.ts`), where the
 * whole database's work stays off the node's event loop; the PostgreSQL pool on the event loop
 * (`openDriverHere`), since the server does the database's work in its own process.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { directSql, type DirectSql } from './direct-sql.ts';
import { applyMigrations, type SqlSession } from './migrations.ts';
import { withPreparedStatements } from './pglite-prepared.ts';
import { statementNamer } from './statement-names.ts';

/** Which database to open. */
export type DriverTarget =
  | { kind: 'pglite'; /** The folder holding the database. */ folder: string }
  | { kind: 'postgres'; url: string; /** Largest number of server connections. */ poolSize: number };

/** The embedded database's target, the one the database thread opens. */
export type EmbeddedTarget = Extract<DriverTarget, { kind: 'pglite' }>;

/** An open, migrated driver. */
export interface OpenDriver {
  factory: SqlDriverAdapterFactory;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An open driver with its direct path (see `direct-sql.ts`), wherever it runs. */
export interface RunningDriver extends OpenDriver {
  direct: DirectSql;
}

/** How many distinct statement texts each database session keeps prepared (see `statementNamer`). */
const PREPARED_STATEMENTS = 300;

/** Opens and migrates the target's database. */
export function openDriver(target: DriverTarget): Promise<OpenDriver> {
  return target.kind === 'pglite' ? openPglite(target.folder) : openPostgres(target.url, target.poolSize);
}

/** Opens and migrates the target's database on the calling thread. */
export async function openDriverHere(target: DriverTarget): Promise<RunningDriver> {
  const driver = await openDriver(target);
  const adapter = await driver.factory.connect();
  return { ...driver, direct: directSql((query) => adapter.queryRaw(query)) };
}

async function openPglite(folder: string): Promise<OpenDriver> {
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
  return {
    factory: new PrismaPGlite(await withPreparedStatements(pglite, PREPARED_STATEMENTS)),
    ping: async () => void (await pglite.query('SELECT 1')),
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<OpenDriver> {
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
  return {
    factory: new PrismaPg(pool, { statementNameGenerator: statementNamer(PREPARED_STATEMENTS) }),
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}
