import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { openDatabase, type Database } from '../server/db/database.ts';
import { applyMigrations, listMigrations } from '../server/db/migrations.ts';
import { startPostgres } from './support/servers.ts';

/** Writes one row of every model through the Prisma client and reads them back. */
async function everyModel(db: Database) {
  const { prisma } = db;
  const program = await prisma.program.create({ data: { name: 'Test program', policy: { rules: [] } } });
  const mentor = await prisma.user.create({
    data: {
      email: `mentor-${program.id}@x.org`, displayName: 'M', passwordHash: 'h', role: 'mentor', programId: program.id,
      mentor: { create: { mentorshipTypes: ['research'], categories: ['stem'], backgroundCheckClearedAt: new Date(), trainingCompletedAt: new Date() } },
    },
  });
  const student = await prisma.user.create({
    data: {
      email: `student-${program.id}@x.org`, displayName: 'S', passwordHash: 'h', role: 'student', programId: program.id,
      student: { create: { gradeLevel: 10, guardianName: 'G', guardianAgreementAt: new Date() } },
    },
  });
  await prisma.authSession.create({ data: { userId: student.id, tokenHash: `hash-${program.id}`, expiresAt: new Date(Date.now() + 1000) } });
  const request = await prisma.studentRequest.create({
    data: { studentId: student.id, kind: 'project', title: 'Bridge model', description: 'd', mentorshipType: 'project_design', categories: ['engineering'] },
  });
  const mentorship = await prisma.mentorship.create({
    data: {
      programId: program.id, kind: 'one_to_one', status: 'active', requestId: request.id, proposedById: student.id,
      members: { create: [{ userId: student.id, role: 'student', accepted: true }, { userId: mentor.id, role: 'mentor', accepted: true }] },
      conversation: { create: { members: { create: [{ userId: student.id }, { userId: mentor.id }] } } },
    },
    include: { conversation: true },
  });
  await prisma.message.create({
    data: {
      conversationId: mentorship.conversation!.id, seq: 1, senderId: student.id, clientId: 'c1', body: 'hi', deliveredBody: 'hi',
      status: 'delivered', action: 'deliver', categories: [], verdict: { action: 'deliver' },
    },
  });
  return {
    programs: await prisma.program.count(),
    messages: await prisma.message.count(),
    member: await prisma.conversationMember.findFirst({ where: { userId: mentor.id } }),
  };
}

t.test('schema.prisma matches the newest migration (no change left without a migration)', async (t) => {
  const newest = listMigrations().at(-1);
  t.ok(newest, 'there is a migration');
  t.equal(readFileSync(join(newest!.dir, 'schema.prisma'), 'utf8'), readFileSync('prisma/schema.prisma', 'utf8'));
});

t.test('a fresh embedded database is migrated and accepts every model', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-db-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = await openDatabase({ url: '', dataDir: dir });
  const counts = await everyModel(db);
  t.equal(counts.messages, 1);
  t.ok(counts.member);
  await db.close();
  const reopened = await openDatabase({ url: '', dataDir: dir });
  t.equal(await reopened.prisma.message.count(), 1, 'data persists in the folder');
  await reopened.close();
});

t.test('a PostgreSQL server is migrated once, recorded as Prisma records it, and accepts every model', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const db = await openDatabase({ url: server.url, dataDir: '' });
  t.teardown(() => db.close());
  const counts = await everyModel(db);
  t.equal(counts.messages, 1);

  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  t.teardown(() => client.end());
  const { rows } = await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
  const migrations = listMigrations();
  t.same(rows.map((row) => [row.migration_name, row.checksum]), migrations.map((m) => [m.name, m.checksum]));
  t.ok(rows.every((row) => row.finished_at && row.applied_steps_count === 1));

  const session = {
    exec: async (sql: string) => void (await client.query(sql)),
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
  };
  t.same(await applyMigrations(session), [], 'a second start applies nothing');
  const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
  await t.rejects(applyMigrations(session, edited), /was edited after it was applied/);
});

t.test('a database that cannot be reached stops start-up', async (t) => {
  await t.rejects(openDatabase({ url: 'postgresql://trellis@127.0.0.1:1/none', dataDir: '' }));
});
