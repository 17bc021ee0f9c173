import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { openDatabase, type Database } from '../server/db/database.ts';
import { Prisma } from '../server/generated/prisma/client.ts';
import type { Teardown } from './support/app.ts';
import { startPostgres } from './support/servers.ts';

/** A fresh embedded database, closed and deleted when the test ends. */
async function embedded(t: Teardown): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-driver-'));
  const db = await openDatabase({ url: '', dataDir: dir });
  t.teardown(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

t.test('a database error crosses the thread with its kind and SQLSTATE', async (t) => {
  const { prisma } = await embedded(t);
  await prisma.program.create({ data: { name: 'Unique', policy: {} } });
  const program = await prisma.program.findFirstOrThrow({ where: { name: 'Unique' } });
  const duplicate = await prisma.program.create({ data: { id: program.id, name: 'Again', policy: {} } }).catch((error: unknown) => error);
  t.ok(duplicate instanceof Prisma.PrismaClientKnownRequestError, 'a known request error, as with the driver on the event loop');
  t.equal((duplicate as Prisma.PrismaClientKnownRequestError).code, 'P2002', 'a unique key taken');
  const raw = await prisma.$executeRawUnsafe('SELECT 1/0').catch((error: unknown) => error);
  t.equal((raw as Prisma.PrismaClientKnownRequestError).code, 'P2010');
  t.match(JSON.stringify((raw as Prisma.PrismaClientKnownRequestError).meta), /22012/, 'the SQLSTATE (division by zero) is kept');
});

t.test('a transaction runs on the thread: committed in full or not at all', async (t) => {
  const { prisma } = await embedded(t);
  await prisma.$transaction(async (tx) => {
    await tx.program.create({ data: { name: 'Kept A', policy: {} } });
    await tx.program.create({ data: { name: 'Kept B', policy: {} } });
  });
  const failed = prisma.$transaction(async (tx) => {
    await tx.program.create({ data: { name: 'Lost', policy: {} } });
    throw new Error('changed my mind');
  });
  await t.rejects(failed, /changed my mind/);
  t.same((await prisma.program.findMany({ where: { name: { in: ['Kept A', 'Kept B', 'Lost'] } }, orderBy: { name: 'asc' } })).map((p) => p.name), ['Kept A', 'Kept B']);
});

t.test('queries issued together all get their own answers', async (t) => {
  const { prisma } = await embedded(t);
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => prisma.$queryRaw<{ n: number }[]>`SELECT ${i}::int AS n`));
  t.same(answers.map((rows) => rows[0]!.n), Array.from({ length: 200 }, (_, i) => i));
});

t.test('a closed database refuses queries with an error instead of hanging', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-driver-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = await openDatabase({ url: '', dataDir: dir });
  await db.ping();
  await db.close();
  await t.rejects(db.ping(), /database thread stopped/);
});

t.test('an idle database thread does not keep the process alive', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-driver-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A script that opens the database, queries it and never closes it: it must still exit.
  const script = `
    const { openDatabase } = await import(${JSON.stringify(new URL('../server/db/database.ts', import.meta.url).href)});
    const db = await openDatabase({ url: '', dataDir: ${JSON.stringify(dir)} });
    await db.ping();
    console.log('queried');
  `;
  const file = join(dir, 'open-and-leave.mjs');
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  t.equal(output.trim(), 'queried', 'the query was answered before the process exited');
  t.equal(code, 0, 'the process exited by itself');
});

/** Checks the direct path (`direct-sql.ts`) of a database: parameters, values and errors. */
async function directRoundTrip(t: Test, { direct }: Database) {
  const at = new Date('2026-03-04T05:06:07.089Z');
  const [row] = await direct.query<{ at: string; ids: string[]; n: number; text: string }>(
    Prisma.sql`SELECT ${at}::timestamp AS "at", ${['a', "b'c", 'd"e']}::text[] AS "ids", ${41}::int + 1 AS "n", ${'é\n\\'} AS "text"`,
  );
  t.equal(new Date(row!.at).toISOString(), at.toISOString(), 'a timestamp goes and comes back in UTC');
  t.same(row!.ids, ['a', "b'c", 'd"e']);
  t.equal(row!.n, 42);
  t.equal(row!.text, 'é\n\\');
  const failed = await direct.query(Prisma.sql`SELECT 1/0`).catch((error: unknown) => error);
  t.equal((failed as { name?: string }).name, 'DriverAdapterError');
  t.equal((failed as { cause?: { originalCode?: string } }).cause?.originalCode, '22012', 'the SQLSTATE, for telling a lost race from a failure');
}

t.test('statements sent past Prisma take the same parameters and give the driver\'s values: embedded', async (t) => {
  await directRoundTrip(t, await embedded(t));
});

t.test('statements sent past Prisma take the same parameters and give the driver\'s values: PostgreSQL', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const db = await openDatabase({ url: server.url, dataDir: '' });
  t.teardown(() => db.close());
  await directRoundTrip(t, db);
});
