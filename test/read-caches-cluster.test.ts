/**
 * The read caches of two nodes sharing PostgreSQL and Redis: a change made on node A reaches what
 * node B has cached (a logout, a new, released or redacted message, a screening signal, an ended
 * mentorship), a held message never reaches a recipient on either node, and a bus reconnection
 * drops everything B holds.
 */
import t from 'tap';
import { REDACTION_MARK } from '../moderation/redact.ts';
import { RISK_WINDOW_MS } from '../server/messaging/send-batch.ts';
import { build, eventually, login } from './support/app.ts';
import { api, moderationSetup, type Account } from './support/moderation.ts';
import { startPostgres, startRedis } from './support/servers.ts';

const GROOMING = "don't tell your parents about our chats, just between you and me";

t.test('changes on node A reach the caches of node B', async (t) => {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  t.teardown(() => Promise.all([postgres.stop(), redis.stop()]));
  const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url };
  const a = await moderationSetup(t, { env });
  const { app: b } = await build(t, { env, listen: false });
  const { conversationId, ava, maya, coordinator } = a;
  const onB = (who: Account, url: string) => api(b, who, 'GET', url);
  const pageOnB = async (who: Account) => JSON.stringify((await onB(who, `/conversations/${conversationId}/messages?limit=50`)).body);
  const student = await a.open(ava);
  const mentor = await a.open(maya);

  await t.test('a logout on A refuses the token on B', async (t) => {
    const { token, userId } = await login(a.app, 'liam');
    const liam = { token, userId };
    for (const app of [a.app, b]) t.equal((await api(app, liam, 'GET', '/me')).status, 200);
    await b.db.prisma.authSession.updateMany({ where: { userId }, data: { revokedAt: new Date() } });
    t.equal((await onB(liam, '/me')).status, 200, 'B serves the session from its cache');
    t.equal((await api(a.app, liam, 'POST', '/auth/logout')).status, 204);
    await eventually(async () => (await onB(liam, '/me')).status === 401, 10_000, 'B refuses the token');
  });

  await t.test('a message sent on A is on the next page read on B', async (t) => {
    t.equal((await student.sendMessage(conversationId, 'x1', 'Is the robotics club worth joining?')).type, 'ack');
    await eventually(async () => (await pageOnB(maya)).includes('robotics club'), 10_000, 'B has it');
    t.notOk((await pageOnB(maya)).includes('science fair'));
    t.equal((await student.sendMessage(conversationId, 'x2', 'Or the science fair team?')).type, 'ack');
    await eventually(async () => (await pageOnB(maya)).includes('science fair'), 10_000, "B's cached page follows");
  });

  await t.test("a signal stored on A reaches the recent signals B screens with", async (t) => {
    const signalsOnB = async () => (await b.caches.signals.get([conversationId], new Date(Date.now() - RISK_WINDOW_MS))).get(conversationId)!;
    const before = await signalsOnB();
    const seeded = await b.db.prisma.message.findFirstOrThrow({ where: { conversationId, clientId: 'x1' }, select: { id: true } });
    await b.db.prisma.message.update({ where: { id: seeded.id }, data: { categories: ['written_past_the_bus'] } });
    t.same(await signalsOnB(), before, 'B serves the signals it read from its cache');
    t.equal((await mentor.sendMessage(conversationId, 's1', "Let's keep this our little secret")).type, 'ack');
    await eventually(async () => (await signalsOnB()).length === before.length + 2, 10_000, 'B reads them again');
    t.same((await signalsOnB()).map((signal) => signal.categories.includes('written_past_the_bus')), [...before.map(() => false), true, false]);
    await b.db.prisma.message.update({ where: { id: seeded.id }, data: { categories: [] } });
    b.caches.signals.forget(conversationId);
  });

  await t.test('a held message stays with its sender on both nodes until approved on A', async (t) => {
    t.notOk((await pageOnB(ava)).includes(GROOMING));
    const held = await mentor.sendMessage(conversationId, 'h1', GROOMING);
    t.equal(held.status, 'pending_review');
    await eventually(async () => (await pageOnB(maya)).includes(GROOMING), 10_000, 'the sender sees it on B');
    for (const app of [a.app, b]) t.notOk(JSON.stringify((await api(app, ava, 'GET', `/conversations/${conversationId}/messages?limit=50`)).body).includes(GROOMING));
    const approved = await api(a.app, coordinator, 'POST', `/review/messages/${String(held.messageId)}/decisions`, { action: 'approve', reason: 'discussed' });
    t.equal(approved.status, 201);
    await eventually(async () => (await pageOnB(ava)).includes(GROOMING), 10_000, 'the recipient sees it on B once approved');
  });

  await t.test('a redaction on A is on the next page read on B', async (t) => {
    const sent = await student.sendMessage(conversationId, 'x3', 'I live near the park by the station');
    await eventually(async () => (await pageOnB(maya)).includes('near the park'), 10_000, 'B has it');
    const redacted = await api(a.app, coordinator, 'POST', `/review/messages/${String(sent.messageId)}/decisions`, { action: 'redact', reason: 'location', spans: [{ start: 7, end: 35 }] });
    t.equal(redacted.status, 201);
    await eventually(async () => !(await pageOnB(maya)).includes('near the park'), 10_000, 'B drops the original text');
    t.ok((await pageOnB(maya)).includes(`I live ${REDACTION_MARK.repeat(28)}`));
  });

  await t.test("an ended mentorship reaches B's access cache", async (t) => {
    t.equal((await b.caches.access.get(conversationId))?.mentorshipStatus, 'active');
    t.equal((await api(a.app, coordinator, 'POST', `/mentorships/${a.mentorshipId}/end`, { reason: 'moved away' })).status, 200);
    await eventually(async () => (await b.caches.access.get(conversationId))?.mentorshipStatus === 'ended', 10_000, 'B has the new status');
  });

  await t.test('B drops everything it cached when its bus reconnects', async (t) => {
    const before = await pageOnB(maya);
    await b.db.prisma.message.updateMany({ where: { conversationId, clientId: 'x1' }, data: { deliveredBody: 'rewritten while the bus was away' } });
    t.equal(await pageOnB(maya), before, 'B serves its cached page');
    await redis.restart();
    await eventually(async () => (await pageOnB(maya)).includes('rewritten while the bus was away'), 20_000, 'B read it again after the resync');
  });
});
