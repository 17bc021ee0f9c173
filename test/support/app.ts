/**
 * Builds Trellis apps for tests: a fresh embedded database in a temporary folder (or the given
 * PostgreSQL/Redis URLs), torn down with the test.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { listMigrations } from '../../server/db/migrations.ts';
import { DEMO_PASSWORD, demoEmail, seedDemo } from '../../server/seed/demo.ts';
import { startPostgres, type RunningServer } from './servers.ts';

/** The part of tap's `t` the helpers use. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Options of `build`. */
export interface BuildOptions extends Partial<Omit<AppOptions, 'config'>> {
  /** Environment variables (as strings) on top of the test defaults. */
  env?: Record<string, string>;
  /** Seed the demo program (default true). */
  seed?: boolean;
  /** Listen on a free loopback port (needed for sockets). Default true. */
  listen?: boolean;
}

/** A test app and its base URLs. */
export interface TestApp {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` when listening. */
  baseUrl: string;
  /** `ws://127.0.0.1:<port>/ws` when listening. */
  wsUrl: string;
}

/**
 * A migrated and seeded embedded database, made once per set of migrations and copied for each test:
 * creating a PGlite database takes seconds, copying one takes milliseconds. Test processes running
 * in parallel share it through an atomic rename.
 */
async function seededTemplate(): Promise<string> {
  const key = createHash('sha256').update(listMigrations().map((m) => m.checksum).join()).digest('hex').slice(0, 16);
  const template = join(tmpdir(), `trellis-template-${key}`);
  if (existsSync(join(template, 'pglite'))) return template;
  const building = mkdtempSync(join(tmpdir(), 'trellis-template-building-'));
  const db = await openDatabase({ url: '', dataDir: building });
  await seedDemo(db.prisma);
  await db.close();
  try {
    renameSync(building, template);
  } catch {
    // Another test process finished first: use its template.
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** Builds an app for one test and closes it (and deletes its data) when the test ends. */
export async function build(t: Teardown, options: BuildOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-test-'));
  if ((options.seed ?? true) && !options.env?.DATABASE_URL) cpSync(join(await seededTemplate(), 'pglite'), join(dataDir, 'pglite'), { recursive: true });
  // Video starts mediasoup workers and the model stage times itself against a budget a loaded test
  // machine can miss (holding the message): only the tests about them turn them on.
  const config = loadConfig({
    DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', VIDEO_ENABLED: 'false', CLASSIFIER_ENABLED: 'false', ...options.env,
  });
  const app = await buildApp({ ...options, config });
  t.teardown(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  if (options.seed ?? true) await seedDemo(app.db.prisma);
  if (!(options.listen ?? true)) return { app, baseUrl: '', wsUrl: '' };
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: address, wsUrl: `${address.replace('http', 'ws')}/ws` };
}

/**
 * Two apps (two nodes) on one PostgreSQL server started for the test, without a bus between them;
 * the first holds the demo seed.
 */
export async function twoNodesOnPostgres(t: Teardown): Promise<{ postgres: RunningServer; first: TestApp; second: TestApp }> {
  const postgres = await startPostgres();
  t.teardown(() => postgres.stop());
  const env = { DATABASE_URL: postgres.url };
  const first = await build(t, { env });
  const second = await build(t, { env, seed: false });
  return { postgres, first, second };
}

/** Logs a demo account in through the API and returns its token and user id. */
export async function login(app: FastifyInstance, key: string): Promise<{ token: string; userId: string }> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: demoEmail(key), password: DEMO_PASSWORD } });
  if (response.statusCode !== 200) throw new Error(`login of ${key} failed: ${response.body}`);
  const body = response.json() as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id };
}

/** Polls `check` until it returns a truthy value (or stops throwing), instead of sleeping. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
