/**
 * The node's read caches on one node: a history page, a session and a conversation's access are
 * served from memory (a write behind Trellis's back is not seen), and every change made through
 * Trellis is seen at once: a new message, a released, redacted or rejected one, a logout, an ended
 * mentorship, an expired session. Held messages never reach anyone but their sender.
 */
import t from 'tap';
import { REDACTION_MARK } from '../moderation/redact.ts';
import { build, eventually, login } from './support/app.ts';
import { api, moderationSetup, type Account } from './support/moderation.ts';

const GROOMING = "don't tell your parents about our chats, just between you and me";

/** A history page as the API returns it. */
interface Page {
  lastSeq: number;
  messages: { id: string; seq: number; body: string; status: string; redacted: boolean }[];
}

t.test('history pages are cached per viewer and follow every change to their messages', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const page = async (who: Account) => (await api(app, who, 'GET', `/conversations/${conversationId}/messages?limit=50`)).body as Page;
  const decide = async (id: unknown, body: object) => t.equal((await api(app, coordinator, 'POST', `/review/messages/${String(id)}/decisions`, body)).status, 201);
  const bodyOf = (of: Page, id: unknown) => of.messages.find((m) => m.id === id)?.body;

  const first = await student.sendMessage(conversationId, 'c1', 'Which internships should I apply to this summer?');
  const cached = await page(maya);
  t.equal(bodyOf(cached, first.messageId), 'Which internships should I apply to this summer?');
  await app.db.prisma.message.update({ where: { id: String(first.messageId) }, data: { deliveredBody: 'changed behind the cache' } });
  t.same(await page(maya), cached, 'a write behind Trellis is not seen: the page comes from the cache');

  const second = await student.sendMessage(conversationId, 'c2', 'My teacher is Mr Smith and I live near the park');
  const afterSend = await page(maya);
  t.equal(bodyOf(afterSend, second.messageId), 'My teacher is Mr Smith and I live near the park', 'a new message is on the next page');
  t.equal(bodyOf(afterSend, first.messageId), 'changed behind the cache', 'the page was read again');
  t.equal(afterSend.lastSeq, second.seq);

  const held = await mentor.sendMessage(conversationId, 'h1', GROOMING);
  t.equal(held.status, 'pending_review');
  t.equal((await page(maya)).messages.find((m) => m.id === held.messageId)?.status, 'pending_review', 'the sender sees its held message');
  const recipientView = await page(ava);
  t.notOk(JSON.stringify(recipientView).includes(GROOMING), 'the recipient does not');
  t.equal(recipientView.lastSeq, held.seq, 'though its sequence number is counted');
  t.notOk(JSON.stringify(await page(ava)).includes(GROOMING), 'nor from its cached page');
  t.notOk(JSON.stringify(await page(coordinator)).includes(GROOMING), 'nor does a coordinator reading the conversation');

  await decide(held.messageId, { action: 'approve', reason: 'a misunderstanding, discussed with the mentor' });
  t.equal(bodyOf(await page(ava), held.messageId), GROOMING, 'an approved message is on the next page of the recipient');

  await page(maya);
  await decide(second.messageId, { action: 'redact', reason: 'location', spans: [{ start: 34, end: 47 }] });
  for (const who of [ava, maya]) {
    const redacted = (await page(who)).messages.find((m) => m.id === second.messageId)!;
    t.equal(redacted.body, `My teacher is Mr Smith and I live ${REDACTION_MARK.repeat(13)}`, 'a redaction is on the next page of every member');
    t.equal(redacted.redacted, true);
  }

  await decide(first.messageId, { action: 'reject', reason: 'off topic' });
  t.equal(bodyOf(await page(maya), first.messageId), undefined, 'a rejected message leaves the recipients\' next page');
  t.equal((await page(ava)).messages.find((m) => m.id === first.messageId)?.status, 'rejected', 'its sender sees it rejected');
});

t.test('a held message never reaches a recipient, by a page, a cached page or a catch-up', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t);
  const mentor = await open(maya);
  const page = async (range: string) => JSON.stringify((await api(app, ava, 'GET', `/conversations/${conversationId}/messages?${range}`)).body);
  await mentor.sendMessage(conversationId, 'ok1', 'Here is the reading list for next week');
  for (const range of ['limit=50', 'after=0&limit=50']) await page(range);
  const held = await mentor.sendMessage(conversationId, 'h2', GROOMING);
  t.equal(held.status, 'pending_review');
  for (const range of ['limit=50', 'after=0&limit=50', 'limit=50', `before=${Number(held.seq) + 1}&limit=5`]) {
    t.notOk((await page(range)).includes(GROOMING), `not on the page ${range}`);
  }
  const late = await open(ava);
  late.send({ type: 'resume', conversations: [{ conversationId, afterSeq: 0 }] });
  await late.next((frame) => frame.type === 'resumed');
  t.notOk(JSON.stringify(late.frames).includes(GROOMING), 'nor in a catch-up');
  t.equal((await api(app, coordinator, 'POST', `/review/messages/${String(held.messageId)}/decisions`, { action: 'reject', reason: 'secrecy' })).status, 201);
  t.notOk((await page('limit=50')).includes(GROOMING), 'nor once rejected');
});

t.test('a cached session ends with its logout and with its expiry', async (t) => {
  const { app } = await build(t, { listen: false });
  const me = async (token: string) => (await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
  const { token } = await login(app, 'ava');
  t.equal(await me(token), 200);
  await app.db.prisma.authSession.updateMany({ data: { revokedAt: new Date() } });
  t.equal(await me(token), 200, 'a revocation behind Trellis is not seen: the session comes from the cache');
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${token}` } })).statusCode, 204);
  t.equal(await me(token), 401, 'refused at once after the logout');

  const { token: brief } = await login(app, 'maya');
  await app.db.prisma.authSession.updateMany({ where: { revokedAt: null }, data: { expiresAt: new Date(Date.now() + 1500) } });
  t.equal(await me(brief), 200);
  await eventually(async () => (await me(brief)) === 401, 10_000, 'refused once the session expired');
});

t.test("ending a mentorship drops its conversation's cached access", async (t) => {
  const { app, ava, coordinator, conversationId, mentorshipId, open } = await moderationSetup(t);
  const student = await open(ava);
  t.equal((await student.sendMessage(conversationId, 'before', 'See you on Tuesday')).type, 'ack');
  t.equal((await app.caches.access.get(conversationId))?.mentorshipStatus, 'active');
  const ended = await api(app, coordinator, 'POST', `/mentorships/${mentorshipId}/end`, { reason: 'the program year is over' });
  t.equal(ended.status, 200);
  t.equal((await app.caches.access.get(conversationId))?.mentorshipStatus, 'ended', 'the cache holds the new status');
  const refused = await student.sendMessage(conversationId, 'after', 'One more thing');
  t.equal(refused.code, 'MENTORSHIP_NOT_ACTIVE');
  t.equal((await api(app, ava, 'GET', `/conversations/${conversationId}/messages?limit=50`)).status, 200, 'members still read it');
});
