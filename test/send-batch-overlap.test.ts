import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import type { ScreeningResult } from '../moderation/types.ts';
import type { ConversationEvent } from '../server/bus/bus.ts';
import type { DirectSql } from '../server/db/direct-sql.ts';
import type { Prisma } from '../server/generated/prisma/client.ts';
import { createMetrics } from '../server/metrics/metrics.ts';
import type { BatchEntry } from '../server/messaging/group-commit.ts';
import type { BusMessage } from '../server/messaging/message-view.ts';
import { SendBatchWriter, type AckFrame, type PendingSend, type SendBatchDeps } from '../server/messaging/send-batch.ts';
import { build, login } from './support/app.ts';

/** A verdict that delivers, raising `categories` (a signal when there are any). */
function verdict(categories: string[]): ScreeningResult {
  return {
    action: categories.length > 0 ? 'flag' : 'deliver', severity: categories.length > 0 ? 'medium' : 'none', categories,
    spans: [], findings: [], stageVersions: {}, timings: [], conversationRisk: 0, alert: null,
  };
}

/** An embedded node (not listening), a student who sends and a conversation of hers. */
async function studentInConversation(t: Test) {
  const { app } = await build(t, { listen: false });
  const { userId } = await login(app, 'ava');
  const sender = await app.db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, role: true, programId: true, displayName: true } });
  const conversationId = (await app.db.prisma.conversationMember.findFirstOrThrow({ where: { userId } })).conversationId;
  return { app, sender, conversationId };
}

/** A batch writer on the node's own database, bus and caches, screening everything as deliverable; `deps` replace parts. */
function writerOn(app: FastifyInstance, deps: Partial<SendBatchDeps> = {}): SendBatchWriter {
  return new SendBatchWriter({
    prisma: app.db.prisma,
    direct: app.db.direct,
    writesInOrder: app.db.writesInOrder,
    bus: app.bus,
    signals: app.caches.signals,
    access: (user, id) => app.messages.access(user, id, true),
    screen: async () => verdict([]),
    ...deps,
  });
}

t.test('a batch screened while the batch before it was stored is screened again when that one raised a signal in its conversation, even in flight', async (t) => {
  const { app, sender, conversationId } = await studentInConversation(t);
  /** Each screening: the text and the categories of the signals it was given. */
  const screenings: { body: string; prior: string[][] }[] = [];
  const metrics = createMetrics();
  const writer = writerOn(app, {
    metrics,
    screen: async (send, _conversation, signals) => {
      screenings.push({ body: send.body, prior: signals.map((signal) => signal.categories) });
      return verdict(send.body.includes('secret') ? ['secrecy'] : []);
    },
  });
  const acks: AckFrame[] = [];
  const batchOf = (clientId: string, body: string): BatchEntry<PendingSend, AckFrame>[] => [
    { item: { sender, conversationId, clientId, body }, resolve: (ack) => acks.push(ack), reject: (error) => t.fail(String(error)) },
  ];

  // The second batch is prepared before the first is stored, as the group commit does under load.
  const first = await writer.prepare(batchOf('one', 'keep this our secret'));
  const second = await writer.prepare(batchOf('two', 'what should I study?'));
  t.same(screenings.map((s) => s.prior), [[], []], 'both were first screened before any signal was stored');
  const written = await writer.write(first);
  t.same(acks, [], 'on the embedded database the write returns once its statement is sent, before it commits');
  // The second is written while the first is in flight: it waits for the first's signal.
  const next = await writer.write(second);
  await (written && written.finishing);
  await (next && next.finishing);

  t.same(screenings.at(-1), { body: 'what should I study?', prior: [['secrecy']] }, 'screened again with the signal the batch before stored');
  t.same(acks.map((ack) => [ack.clientId, ack.seq]), [['one', 1], ['two', 2]], 'stored in order');

  // A batch prepared after the signal was stored reads it at once: one screening, not two.
  const screened = screenings.length;
  const third = await writer.prepare(batchOf('three', 'and after that?'));
  const last = await writer.write(third);
  await (last && last.finishing);
  t.equal(screenings.length, screened + 1);
  t.same(screenings.at(-1)!.prior, [['secrecy']]);
  const verdicts = (await metrics.verdicts.get()).values.reduce((sum, { value }) => sum + value, 0);
  t.equal(verdicts, 3, 'each message\'s verdict counted once, though the second was screened twice');
});

t.test('on the embedded database the next batch is sent while one is stored: a resend is answered with its earlier message, in order, and a failed batch holds up none behind it', async (t) => {
  const { app, sender, conversationId } = await studentInConversation(t);
  /** The sequence numbers of the messages the writer published, in the order it published them. */
  const published: number[] = [];
  const bus = new Proxy(app.bus, {
    get(target, property) {
      if (property !== 'deliverToConversations') return Reflect.get(target, property, target);
      return (events: readonly ConversationEvent[]) => {
        for (const event of events) if (event.kind === 'message') published.push((event.message as BusMessage).seq);
        return target.deliverToConversations(events);
      };
    },
  });
  /** Makes the next batch statement fail, as a database that went away would. */
  let failNext = false;
  const direct: DirectSql = {
    query<Row>(sql: Prisma.Sql): Promise<Row[]> {
      if (!failNext) return app.db.direct.query<Row>(sql);
      failNext = false;
      return Promise.reject(new Error('the statement failed'));
    },
  };
  const writer = writerOn(app, { direct, bus });
  const answers: string[] = [];
  const batchOf = (...sends: [clientId: string, body: string][]): BatchEntry<PendingSend, AckFrame>[] =>
    sends.map(([clientId, body]) => ({
      item: { sender, conversationId, clientId, body },
      resolve: (ack) => answers.push(`${ack.clientId} ${ack.seq}`),
      reject: (error) => answers.push(`${clientId} ${(error as { code?: string }).code ?? String(error)}`),
    }));
  /** Writes the batches as the group commit does; how each batch's `finishing` settled. */
  const writeAll = async (...batches: BatchEntry<PendingSend, AckFrame>[][]) => {
    const prepared = [];
    for (const batch of batches) prepared.push(await writer.prepare(batch));
    const finishing = [];
    for (const batch of prepared) {
      const written = await writer.write(batch);
      if (written) finishing.push(written.finishing);
    }
    return Promise.allSettled(finishing);
  };

  await writeAll(batchOf(['a', 'first question']));
  t.same(answers, ['a 1']);
  // A client that reconnected resends `a` (its answer was lost) and sends `b`, then `c`.
  await writeAll(batchOf(['a', 'first question'], ['b', 'second question']), batchOf(['c', 'third question']), batchOf(['a2', 'other text']));
  t.same(answers, ['a 1', 'b 2', 'a 1', 'c 3', 'a2 4'], 'the resend answered with its message, after the batch committed; the batches in the order sent');
  const stored = await app.db.prisma.message.findMany({ where: { conversationId }, select: { clientId: true, seq: true }, orderBy: { seq: 'asc' } });
  t.same(stored.map((m) => `${m.clientId} ${m.seq}`), ['a 1', 'b 2', 'c 3', 'a2 4'], 'stored once each, with no gap');
  t.same(published, [1, 2, 1, 3, 4], 'published in the order sent, the resent message again with its batch');

  // A resend of a client id with other text is refused.
  await writeAll(batchOf(['b', 'not the second question'], ['d', 'fourth question']));
  t.same(answers.slice(-2), ['d 5', 'b CLIENT_ID_REUSED']);

  // A batch whose statement fails is answered with the error (by the group commit); the batch sent
  // behind it is stored and published as if the failed one had not been sent.
  failNext = true;
  const [failed, next] = await writeAll(batchOf(['e', 'fifth question']), batchOf(['f', 'sixth question']));
  t.match(failed, { status: 'rejected', reason: { message: 'the statement failed' } });
  t.equal(next?.status, 'fulfilled');
  t.same(answers.slice(-1), ['f 6']);
  t.same(published.slice(-1), [6]);
});
