import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { inTransaction } from '../server/db/client.ts';
import { GENESIS_HASH } from '../server/audit/chain.ts';
import { appendAudit, appendAuditBatch, getAuditHead } from '../server/repositories/audit.ts';
import { login, twoNodesOnPostgres } from './support/app.ts';
import { api, moderationSetup } from './support/moderation.ts';

const run = promisify(execFile);

t.test('the admin endpoint verifies the chain and names the first edited or missing entry', async (t) => {
  const { app, ava, maya, coordinator, admin, conversationId, open } = await moderationSetup(t);
  const mentor = await open(maya);
  await mentor.sendMessage(conversationId, 'a1', 'How did the interview go?');
  const held = await mentor.sendMessage(conversationId, 'a2', "don't tell your parents about our chats");
  await api(app, coordinator, 'POST', `/review/messages/${held.messageId}/decisions`, { action: 'reject', reason: 'secrecy' });
  const student = await open(ava);
  await student.sendMessage(conversationId, 'a3', 'It went well, thanks!');

  t.equal((await api(app, coordinator, 'GET', '/admin/audit/verify')).status, 403, 'admins only');
  const intact = await api(app, admin, 'GET', '/admin/audit/verify');
  t.same(intact.body, { ok: true, checked: 4, headSeq: 4, firstBroken: null });
  const kinds = await app.db.prisma.auditEntry.findMany({ orderBy: { seq: 'asc' }, select: { kind: true } });
  t.same(kinds.map((k) => k.kind), ['message.screened', 'message.screened', 'review.decision', 'message.screened', 'audit.verified']);

  await app.db.prisma.$executeRawUnsafe(`UPDATE "AuditEntry" SET "data" = jsonb_set("data", '{reason}', '"nothing to see"') WHERE "seq" = 3`);
  const edited = await api(app, admin, 'GET', '/admin/audit/verify');
  t.same((edited.body as { ok: boolean; firstBroken: { seq: number } }).ok, false);
  t.same((edited.body as { firstBroken: { seq: number; reason: string } }).firstBroken.seq, 3, 'the edited entry is named');
  t.match((edited.body as { firstBroken: { reason: string } }).firstBroken.reason, /edited/);

  await app.db.prisma.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "seq" = 2`);
  const deleted = await api(app, admin, 'GET', '/admin/audit/verify');
  t.same((deleted.body as { firstBroken: { seq: number } }).firstBroken.seq, 2, 'a deleted entry is named');
});

t.test('two nodes on one PostgreSQL append concurrently without forking the chain; the command finds an edit', async (t) => {
  const { postgres, first, second } = await twoNodesOnPostgres(t);
  const entry = (name: string) => ({ actorId: null, kind: 'test.write', subjectIds: [name], data: { name, nested: { b: [1, 'two'], a: null }, text: 'é ✓ "quoted"\n' } });
  t.same(await getAuditHead(first.app.db.prisma), { seq: 0, hash: GENESIS_HASH }, 'the chain starts empty, its head at the genesis hash');
  // Single appends and batches race from both nodes, from the very first entry.
  const writes = Array.from({ length: 40 }, (_, i) => {
    const prisma = (i % 2 === 0 ? first : second).app.db.prisma;
    return inTransaction(prisma, (tx) =>
      i % 4 < 2 ? appendAudit(tx, entry(`w${i}`)) : appendAuditBatch(tx, [entry(`w${i}a`), entry(`w${i}b`)]).then(() => null),
    );
  });
  const positions = (await Promise.all(writes)).filter((seq) => seq !== null);
  t.equal(new Set(positions).size, 20, 'single appends got distinct positions');
  const admin = await login(second.app, 'admin');
  const verified = await api(second.app, admin, 'GET', '/admin/audit/verify');
  t.same(verified.body, { ok: true, checked: 60, headSeq: 60, firstBroken: null }, '20 + 20 × 2 entries, one unbroken chain');

  const command = ['--import', 'tsx', 'scripts/audit-verify.ts'];
  const options = { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: postgres.url, LOG_LEVEL: 'silent' } };
  const good = await run(process.execPath, command, options);
  t.match(good.stdout, /audit chain intact: 61 entries/);
  await first.app.db.prisma.$executeRawUnsafe(`UPDATE "AuditEntry" SET "actorId" = 'someone' WHERE "seq" = 37`);
  const bad = await run(process.execPath, command, options).then(
    () => ({ code: 0, stdout: '' }),
    (error: { code: number; stdout: string }) => error,
  );
  t.equal(bad.code, 1, 'exits 1');
  t.match(bad.stdout, /broken at entry 37/);
});
