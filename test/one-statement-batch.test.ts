import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { verifyAuditChain } from '../server/audit/verify.ts';
import { inTransaction } from '../server/db/client.ts';
import type { DirectSql } from '../server/db/direct-sql.ts';
import type { PrismaClient } from '../server/generated/prisma/client.ts';
import { writeInOneStatement } from '../server/messaging/one-statement-batch.ts';
import { appendAudit } from '../server/repositories/audit.ts';
import type { UnnumberedMessage } from '../server/repositories/messages.ts';
import { build, twoNodesOnPostgres } from './support/app.ts';
import { startPostgres } from './support/servers.ts';

/** A message from the first member of a conversation, with its decision and audit rows. */
function quietSend(conversationId: string, senderId: string, text: string) {
  const message: UnnumberedMessage = {
    id: randomUUID(), conversationId, senderId, clientId: randomUUID(), body: text, deliveredBody: text,
    status: 'delivered', action: 'deliver', severity: 'none', categories: [], verdict: { action: 'deliver' }, createdAt: new Date(),
  };
  const decision = { messageId: message.id, source: 'rule' as const, actorId: null, action: 'deliver', reason: 'nothing found', details: {} };
  const audit = { messageId: message.id, entry: { actorId: senderId, kind: 'message.screened', subjectIds: [message.id], at: message.createdAt, data: { seq: 0, text: 'é "quoted"\n' } } };
  return { message, decision, audit };
}

/** Writes one batch of sends in one statement. */
function write(direct: DirectSql, sends: ReturnType<typeof quietSend>[]) {
  return writeInOneStatement(direct, sends.map((s) => s.message), { decisions: sends.map((s) => s.decision), audit: sends.map((s) => s.audit) });
}

/** The seeded conversations, each with a member. */
async function conversations(prisma: PrismaClient) {
  const rows = await prisma.conversation.findMany({ select: { id: true, mentorshipId: true, members: { select: { userId: true }, take: 1 } }, orderBy: { id: 'asc' } });
  return rows.map((row) => ({ id: row.id, mentorshipId: row.mentorshipId, member: row.members[0]!.userId }));
}

async function numbersRefusesAndSkipsResends(t: Test, env: Record<string, string>) {
  const { app } = await build(t, { env });
  const { prisma, direct } = app.db;
  const [open, ended] = await conversations(prisma);
  await prisma.mentorship.update({ where: { id: ended!.mentorshipId }, data: { status: 'ended' } });
  const firstSends = [quietSend(open!.id, open!.member, 'one'), quietSend(open!.id, open!.member, 'two')];
  const first = await write(direct, firstSends);
  t.same(first, [{ seq: 1 }, { seq: 2 }]);
  const sends = [quietSend(open!.id, open!.member, 'three'), quietSend(ended!.id, ended!.member, 'late'), quietSend(open!.id, open!.member, 'four')];
  const second = await write(direct, sends);
  t.same(second, [{ seq: 3 }, { refused: 'MENTORSHIP_NOT_ACTIVE' }, { seq: 4 }], 'numbered on from the counter; the ended mentorship refused');
  t.equal((await prisma.conversation.findUniqueOrThrow({ where: { id: open!.id } })).lastSeq, 4);
  t.equal((await prisma.conversation.findUniqueOrThrow({ where: { id: ended!.id } })).lastSeq, 0, 'a refused conversation keeps its counter');
  t.equal(await prisma.message.count({ where: { id: sends[1]!.message.id } }), 0);

  // A resend of the first message (a new row id, the same sender and client id) beside a new message.
  const resend = quietSend(open!.id, open!.member, 'one');
  resend.message.clientId = firstSends[0]!.message.clientId;
  const third = await write(direct, [resend, quietSend(open!.id, open!.member, 'five')]);
  t.same(third, [{ resent: true }, { seq: 5 }], 'the resend reported, not numbered; the message beside it numbered with no gap');
  t.equal(await prisma.message.count({ where: { id: resend.message.id } }), 0, 'the resend not stored again');
  t.equal(await prisma.decision.count(), 5, 'decisions of stored messages only');
  const entries = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
  t.same(entries.map((e) => (e.data as { seq: number }).seq), [1, 2, 3, 4, 5], "each entry's data holds its message's number");
  t.same((await verifyAuditChain(prisma)).ok, true, 'the chain hashed in SQL verifies');
}

t.test('embedded: a batch in one statement numbers its messages, refuses an ended mentorship and skips a resend', (t) => numbersRefusesAndSkipsResends(t, {}));

t.test('PostgreSQL: a batch in one statement numbers its messages, refuses an ended mentorship and skips a resend', async (t) => {
  const postgres = await startPostgres();
  t.teardown(() => postgres.stop());
  await numbersRefusesAndSkipsResends(t, { DATABASE_URL: postgres.url });
});

t.test('two nodes write batches to the same conversations at once: no gap, no duplicate, one chain', async (t) => {
  const { first, second } = await twoNodesOnPostgres(t);
  const targets = await conversations(first.app.db.prisma);
  const writes = Array.from({ length: 40 }, (_, i) => {
    const { prisma, direct } = (i % 2 === 0 ? first : second).app.db;
    if (i % 5 === 4) return inTransaction(prisma, (tx) => appendAudit(tx, { actorId: null, kind: 'test.single', subjectIds: [], data: { i } }));
    // Each batch writes to both conversations, in an order that differs from batch to batch.
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    return write(direct, order.flatMap((c) => [quietSend(c.id, c.member, `b${i}`), quietSend(c.id, c.member, `b${i}`)]));
  });
  await Promise.all(writes);
  for (const c of targets) {
    const seqs = (await first.app.db.prisma.message.findMany({ where: { conversationId: c.id }, select: { seq: true }, orderBy: { seq: 'asc' } })).map((m) => m.seq);
    t.same(seqs, Array.from({ length: 64 }, (_, i) => i + 1), 'sequence numbers 1…64 in each conversation');
  }
  const verified = await verifyAuditChain(second.app.db.prisma);
  t.same(verified, { ok: true, checked: 136, headSeq: 136, firstBroken: null }, '32 batches × 4 entries + 8 single appends, one chain');
});
