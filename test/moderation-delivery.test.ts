import t from 'tap';
import { REDACTION_MARK } from '../moderation/redact.ts';
import { eventually } from './support/app.ts';
import { alertsOf, api, moderationSetup, otherProgramCoordinator } from './support/moderation.ts';

const ORDINARY = [
  ['maya', 'For the bridge project, start by reading about load paths and trusses. Can you share your draft by Friday?'],
  ['ava', 'Thanks! I finished the internship application and I am nervous about the interview.'],
  ['maya', 'That is normal. Practise telling the story of your robotics project: what went wrong and what you learned.'],
  ['ava', 'Should I apply to the summer engineering camp at the state university too?'],
] as const;

const GROOMING = "This is our little secret, don't tell your parents. Come over to my house this weekend, just the two of us";

t.test('ordinary mentoring talk passes untouched, with a rule decision and an audit entry for each message', async (t) => {
  const { app, ava, maya, conversationId, open } = await moderationSetup(t);
  const clients = { ava: await open(ava), maya: await open(maya) };
  for (const [i, [who, text]] of ORDINARY.entries()) {
    const ack = await clients[who].sendMessage(conversationId, `o${i}`, text);
    t.same([ack.status, ack.redacted], ['delivered', false]);
  }
  await eventually(() => clients.ava.messages(conversationId).length === 4 && clients.maya.messages(conversationId).length === 4);
  for (const message of [...clients.ava.messages(conversationId), ...clients.maya.messages(conversationId)]) {
    t.ok(ORDINARY.some(([, text]) => text === message.body), 'the text arrives exactly as written');
  }
  const { prisma } = app.db;
  t.equal(await prisma.review.count(), 0, 'nothing queued for review');
  t.equal(await prisma.alert.count(), 0, 'no alerts');
  const decisions = await prisma.decision.findMany();
  t.equal(decisions.length, 4);
  t.ok(decisions.every((d) => d.source === 'rule' && d.action === 'deliver' && d.actorId === null));
  t.equal(await prisma.auditEntry.count({ where: { kind: 'message.screened' } }), 4);
});

t.test('contact details are masked for the recipient; coordinators see the original', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const text = 'my number is 555 013 4567, text me after practice';
  const ack = await student.sendMessage(conversationId, 'c1', text);
  t.same([ack.status, ack.redacted], ['delivered', true], JSON.stringify(ack));
  await eventually(() => mentor.messages(conversationId).length === 1);
  const seen = mentor.messages(conversationId)[0]!;
  t.notOk(/\d/.test(seen.body), 'no digit of the number reaches the mentor');
  t.ok(seen.body.includes(REDACTION_MARK));
  t.ok(seen.body.startsWith('my number is '), 'the rest of the text is kept');
  const history = await api(app, maya, 'GET', `/conversations/${conversationId}/messages?after=0`);
  // The texts, not the whole page: a random id in the page may hold the same digits.
  t.same((history.body as { messages: { body: string }[] }).messages.map((m) => m.body), [seen.body], 'history is masked too');

  const queue = await api(app, coordinator, 'GET', '/review/queue?category=contact');
  t.equal(queue.status, 200);
  const item = (queue.body as { items: { messageId: string; message: { body: string; deliveredBody: string } }[] }).items[0]!;
  t.equal(item.message.body, text, 'the coordinator sees the original');
  t.not(item.message.deliveredBody, text);
  const detail = await api(app, coordinator, 'GET', `/review/messages/${item.messageId}`);
  t.equal((detail.body as { message: { body: string } }).message.body, text);
  t.same((detail.body as { verdict: { action: string } }).verdict.action, 'redact');
});

t.test('grooming from a mentor is held from the student everywhere until a coordinator approves it', async (t) => {
  const { app, ava, maya, coordinator, conversationId, mentorshipId, open } = await moderationSetup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const watcher = await open(coordinator);
  await mentor.sendMessage(conversationId, 'm1', 'Hi Ava, ready for our session on bridges?');
  const held = await mentor.sendMessage(conversationId, 'm2', GROOMING);
  t.same([held.type, held.status], ['ack', 'pending_review'], 'the sender sees it as pending review');
  await mentor.sendMessage(conversationId, 'm3', 'Also, read chapter two of the engineering book.');
  await eventually(() => student.messages(conversationId).some((m) => m.seq === 3), 5000, 'the next message arrives');
  t.same(student.messages(conversationId).map((m) => m.seq), [1, 3], 'not visible to the student live');

  const alert = await watcher.next((f) => f.type === 'alert');
  const payload = alert.alert as { severity: string; categories: string[]; message: { body: string; seq: number }; context: { body: string }[]; conversationRisk: number; programId: string };
  t.equal(payload.severity, 'critical');
  t.ok(payload.categories.includes('grooming'));
  t.equal(payload.message.body, GROOMING, 'the coordinator gets the original text');
  t.same(payload.context.map((m) => m.body), ['Hi Ava, ready for our session on bridges?'], 'with the messages before it');
  t.type(payload.conversationRisk, 'number');

  const resumed = await open(ava);
  resumed.send({ type: 'resume', conversations: [{ conversationId, afterSeq: 0 }] });
  await resumed.next((f) => f.type === 'resumed');
  t.same(resumed.messages(conversationId).map((m) => m.seq), [1, 3], 'not on resume');
  const history = await api(app, ava, 'GET', `/conversations/${conversationId}/messages`);
  t.same((history.body as { messages: { seq: number }[] }).messages.map((m) => m.seq), [1, 3], 'not in history (newest page)');
  t.notOk(JSON.stringify(history.body).includes('little secret'));
  for (const who of [ava, maya]) {
    const transcript = await api(app, who, 'GET', `/mentorships/${mentorshipId}/transcript?format=json`);
    t.equal(transcript.status, 403, 'members cannot export the transcript');
    t.notOk(JSON.stringify(transcript.body).includes('little secret'));
  }
  const full = await api(app, coordinator, 'GET', `/mentorships/${mentorshipId}/transcript?format=json`);
  const entries = (full.body as { messages: { seq: number; status: string; body: string; verdict: { action: string } }[] }).messages;
  t.same(entries.map((m) => [m.seq, m.status]), [[1, 'delivered'], [2, 'held'], [3, 'delivered']], 'the coordinator transcript has everything');
  t.equal(entries[1]!.body, GROOMING);
  const csv = await api(app, coordinator, 'GET', `/mentorships/${mentorshipId}/transcript?format=csv`);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.match(csv.body as string, /little secret/);

  const approve = await api(app, coordinator, 'POST', `/review/messages/${held.messageId}/decisions`, { action: 'approve', reason: 'context checked with the mentor: a school play' });
  t.equal(approve.status, 201);
  const released = await student.next((f) => f.type === 'message' && (f.message as { seq: number }).seq === 2);
  t.equal((released.message as { body: string }).body, GROOMING, 'delivered at its sequence position once approved');
  const after = await api(app, ava, 'GET', `/conversations/${conversationId}/messages?after=0`);
  t.same((after.body as { messages: { seq: number }[] }).messages.map((m) => m.seq), [1, 2, 3]);
  const again = await api(app, coordinator, 'POST', `/review/messages/${held.messageId}/decisions`, { action: 'reject', reason: 'second thoughts' });
  t.equal(again.status, 201, 'a delivered message can still be rejected');
  const decisions = await app.db.prisma.decision.findMany({ where: { messageId: String(held.messageId) }, orderBy: { createdAt: 'asc' } });
  t.same(decisions.map((d) => [d.source, d.action]), [['rule', 'hold'], ['coordinator', 'approve'], ['coordinator', 'reject']], 'every decision is a new row');
  t.equal(decisions[1]!.actorId, coordinator.userId);
  await student.next((f) => f.type === 'message.withdrawn' && f.messageId === held.messageId);
});

t.test('a crisis message from a student reaches the mentor and raises a critical alert', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const watcher = await open(coordinator);
  const text = 'I want to kill myself, nobody cares about me';
  const ack = await student.sendMessage(conversationId, 's1', text);
  t.same([ack.status, ack.redacted], ['delivered', false]);
  await eventually(() => mentor.messages(conversationId).some((m) => m.body === text), 5000, 'the mentor gets the words as written');
  const alert = (await watcher.next((f) => f.type === 'alert')).alert as { severity: string; categories: string[]; message: { body: string } };
  t.equal(alert.severity, 'critical');
  t.same(alert.categories, ['crisis']);
  t.equal(alert.message.body, text);
  const alerts = await api(app, coordinator, 'GET', '/review/alerts?status=open');
  t.equal((alerts.body as { total: number }).total, 1);
});

t.test('a coordinator of another program sees nothing of this one', async (t) => {
  const { app, maya, coordinator, admin, conversationId, mentorshipId, open } = await moderationSetup(t);
  const stranger = await otherProgramCoordinator(app, admin);
  const theirs = await open(stranger);
  const ours = await open(coordinator);
  const mentor = await open(maya);
  const held = await mentor.sendMessage(conversationId, 'g1', GROOMING);
  await ours.next((f) => f.type === 'alert');
  const ping = theirs.next((f) => f.type === 'pong');
  theirs.send({ type: 'ping' });
  await ping;
  t.same(alertsOf(theirs), [], 'no alert frame');
  const queue = await api(app, stranger, 'GET', '/review/queue');
  t.equal((queue.body as { total: number }).total, 0);
  const alerts = await api(app, stranger, 'GET', '/review/alerts');
  t.equal((alerts.body as { total: number }).total, 0);
  t.equal((await api(app, stranger, 'GET', `/review/messages/${held.messageId}`)).status, 404);
  t.equal((await api(app, stranger, 'POST', `/review/messages/${held.messageId}/decisions`, { action: 'approve', reason: 'x' })).status, 404);
  t.equal((await api(app, stranger, 'GET', `/mentorships/${mentorshipId}/transcript`)).status, 404);
  t.equal((await api(app, stranger, 'GET', `/conversations/${conversationId}/messages`)).status, 403);
  t.equal(await app.db.prisma.message.count({ where: { id: String(held.messageId), status: 'held' } }), 1, 'still held');
});

t.test('sends that share a transaction add up conversation risk exactly as if sent one by one', async (t) => {
  const lines = ['You look so pretty in that photo', 'Do you have a boyfriend at school?', 'What are you wearing right now?'];
  const risks = async (conversationId: string, app: { db: { prisma: import('../server/generated/prisma/client.ts').PrismaClient } }) =>
    (await app.db.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' }, select: { body: true, verdict: true } }))
      // Rounded: signals decay with time, and the two runs are milliseconds apart.
      .map((row) => ({ body: row.body, risk: Number((row.verdict as { conversationRisk: number }).conversationRisk.toFixed(4)) }));

  // Three devices of the mentor send at once: the first send is written alone, the other two share the next batch.
  const burst = await moderationSetup(t);
  const devices = await Promise.all(lines.map(() => burst.open(burst.maya)));
  const acks = await Promise.all(lines.map((text, i) => devices[i]!.sendMessage(burst.conversationId, `b${i}`, text)));
  t.ok(acks.every((ack) => ack.type === 'ack'));
  const together = await risks(burst.conversationId, burst.app);

  // The same texts in the order they were stored, one after another.
  const oneByOne = await moderationSetup(t);
  const mentor = await oneByOne.open(oneByOne.maya);
  for (const [i, { body }] of together.entries()) await mentor.sendMessage(oneByOne.conversationId, `s${i}`, body);
  const apart = await risks(oneByOne.conversationId, oneByOne.app);
  t.same(together, apart, 'the same conversation risk for every message');
  t.ok(apart[2]!.risk > apart[0]!.risk, 'and the risk grew with each signal');
});
