import t from 'tap';
import { build, eventually, login, type Teardown } from './support/app.ts';
import { TestClient } from './support/ws-client.ts';

async function setup(t: Teardown, env: Record<string, string> = {}) {
  const { app, wsUrl } = await build(t, { env });
  const ava = await login(app, 'ava');
  const maya = await login(app, 'maya');
  const liam = await login(app, 'liam');
  const conversations = await app.inject({ url: '/conversations', headers: { authorization: `Bearer ${ava.token}` } });
  const conversationId = (conversations.json() as { conversation: { id: string } }[])[0]!.conversation.id;
  const open = async (who: { token: string }) => {
    const client = await TestClient.connect(wsUrl, who.token);
    t.teardown(() => client.close());
    return client;
  };
  return { app, wsUrl, ava, maya, liam, conversationId, open };
}

t.test('members exchange messages in order with acknowledgements', async (t) => {
  const { ava, maya, conversationId, open } = await setup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  for (let i = 1; i <= 5; i++) {
    const ack = await student.sendMessage(conversationId, `c${i}`, `question ${i} about internships`);
    t.equal(ack.type, 'ack');
    t.equal(ack.seq, i);
    t.equal(ack.status, 'delivered');
  }
  await eventually(() => mentor.messages(conversationId).length === 5, 5000, 'mentor receives 5');
  t.same(mentor.messages(conversationId).map((m) => m.seq), [1, 2, 3, 4, 5]);
  t.equal(mentor.messages(conversationId)[0]!.senderId, ava.userId, 'sender is the authenticated user');
  const reply = await mentor.sendMessage(conversationId, 'm1', 'Happy to help with that');
  t.equal(reply.seq, 6);
  await eventually(() => student.messages(conversationId).some((m) => m.seq === 6));
});

t.test('sends fired without waiting for their acknowledgements keep their order', async (t) => {
  const { ava, maya, conversationId, open } = await setup(t);
  const student = await open(ava);
  const mentor = await open(maya);
  const clientIds = Array.from({ length: 15 }, (_, i) => `burst-${i}`);
  // A long first text takes the model longer to screen than the short ones after it.
  const bodies = clientIds.map((_, i) => (i === 0 ? 'a long first question about internships '.repeat(40) : `follow-up ${i}`));
  for (const [i, clientId] of clientIds.entries()) student.send({ type: 'send', conversationId, clientId, body: bodies[i] });
  const acks = await Promise.all(clientIds.map((clientId) => student.next((f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId)));
  t.same(acks.map((ack) => ack.seq), clientIds.map((_, i) => i + 1), 'numbered in the order sent');
  await eventually(() => mentor.messages(conversationId).length === clientIds.length, 5000, 'the mentor receives all of them');
  t.same(mentor.messages(conversationId).map((m) => m.body), bodies, 'received in the order sent');
});

t.test('a resent client id returns the same acknowledgement and stores nothing twice', async (t) => {
  const { app, ava, conversationId, open } = await setup(t);
  const student = await open(ava);
  const first = await student.sendMessage(conversationId, 'same-id', 'hello');
  student.send({ type: 'send', conversationId, clientId: 'same-id', body: 'hello' });
  await eventually(() => student.frames.filter((f) => f.type === 'ack' && f.clientId === 'same-id').length === 2);
  const acks = student.frames.filter((f) => f.type === 'ack' && f.clientId === 'same-id');
  t.same(acks[1], first);
  t.equal(await app.db.prisma.message.count({ where: { clientId: 'same-id' } }), 1);
  student.send({ type: 'send', conversationId, clientId: 'same-id', body: 'a different text' });
  const reused = await student.next((f) => f.type === 'error' && f.clientId === 'same-id');
  t.equal(reused.code, 'CLIENT_ID_REUSED');
});

t.test('a reconnecting client resumes from its last sequence with no gaps or duplicates', async (t) => {
  const { ava, maya, conversationId, open } = await setup(t);
  const mentor = await open(maya);
  const student = await open(ava);
  await student.sendMessage(conversationId, 'a1', 'one');
  await eventually(() => mentor.messages(conversationId).length === 1);
  await mentor.close();
  for (let i = 2; i <= 8; i++) await student.sendMessage(conversationId, `a${i}`, `message ${i}`);
  const again = await open(maya);
  again.send({ type: 'resume', conversations: [{ conversationId, afterSeq: 1 }] });
  await again.next((f) => f.type === 'resumed');
  t.same(again.messages(conversationId).map((m) => m.seq), [2, 3, 4, 5, 6, 7, 8]);
  await student.sendMessage(conversationId, 'a9', 'after the resume');
  await eventually(() => again.messages(conversationId).length === 8);
  t.same(again.messages(conversationId).map((m) => m.seq), [2, 3, 4, 5, 6, 7, 8, 9]);
});

t.test('non-members can neither post nor read, and learn nothing', async (t) => {
  const { app, ava, liam, conversationId, open } = await setup(t);
  const outsider = await open(liam);
  const posted = await outsider.sendMessage(conversationId, 'x1', 'let me in');
  t.equal(posted.code, 'NOT_A_MEMBER');
  const missing = await outsider.sendMessage('00000000-0000-0000-0000-000000000000', 'x2', 'hello');
  t.equal(missing.code, 'NOT_A_MEMBER', 'same answer for a conversation that does not exist');
  outsider.send({ type: 'resume', conversations: [{ conversationId, afterSeq: 0 }] });
  await outsider.next((f) => f.type === 'error' && f.conversationId === conversationId && f !== posted);
  const history = await app.inject({ url: `/conversations/${conversationId}/messages`, headers: { authorization: `Bearer ${liam.token}` } });
  t.equal(history.statusCode, 403);
  t.equal(history.json().error.code, 'NOT_A_MEMBER');
  const student = await open(ava);
  await student.sendMessage(conversationId, 'p1', 'private to the mentorship');
  t.equal(outsider.messages(conversationId).length, 0);
});

t.test('malformed, oversized and unknown frames get codes and the socket stays up', async (t) => {
  const { ava, conversationId, open } = await setup(t);
  const client = await open(ava);
  client.send('{not json');
  t.equal((await client.next((f) => f.code === 'BAD_JSON')).type, 'error');
  client.send({ type: 'teleport' });
  await client.next((f) => f.code === 'UNKNOWN_TYPE');
  client.send({ type: 'send', conversationId, clientId: 'q' });
  await client.next((f) => f.code === 'BAD_REQUEST');
  client.send({ type: 'send', conversationId, clientId: 'big', body: 'x'.repeat(70_000) });
  await client.next((f) => f.code === 'FRAME_TOO_LARGE');
  const long = await client.sendMessage(conversationId, 'long', 'y'.repeat(4001));
  t.equal(long.code, 'MESSAGE_TOO_LONG');
  const fine = await client.sendMessage(conversationId, 'ok', 'still here');
  t.equal(fine.type, 'ack');
  t.equal(client.closed, null);
});

t.test('persistent abuse closes the socket with 4008', async (t) => {
  const { ava, open } = await setup(t);
  const client = await open(ava);
  for (let i = 0; i < 30; i++) client.send('garbage');
  await eventually(() => client.closed);
  t.equal(client.closed!.code, 4008);
});

t.test('sending faster than the rate limit is refused with RATE_LIMITED', async (t) => {
  const { ava, conversationId, open } = await setup(t, { MESSAGE_BURST: '3', MESSAGE_RATE_PER_MINUTE: '1' });
  const client = await open(ava);
  for (let i = 0; i < 10; i++) client.send({ type: 'send', conversationId, clientId: `r${i}`, body: `burst ${i}` });
  await eventually(() => client.frames.filter((f) => f.clientId?.toString().startsWith('r')).length === 10);
  t.equal(client.frames.filter((f) => f.type === 'ack').length, 3, 'the burst is accepted');
  t.equal(client.frames.filter((f) => f.code === 'RATE_LIMITED').length, 7, 'the rest is refused');
});

t.test('typing and presence reach the other members without being stored; read markers are stored', async (t) => {
  const { app, ava, maya, conversationId, open } = await setup(t);
  const mentor = await open(maya);
  const student = await open(ava);
  const online = await mentor.next((f) => f.type === 'presence' && f.userId === ava.userId);
  t.equal(online.online, true, 'the mentor sees the student come online');
  student.send({ type: 'typing', conversationId });
  const typing = await mentor.next((f) => f.type === 'typing');
  t.same(typing, { type: 'typing', conversationId, userId: ava.userId });
  t.notOk(student.frames.some((f) => f.type === 'typing'), 'not echoed to the typist');

  const sent = await student.sendMessage(conversationId, 'r1', 'Did you see my draft?');
  mentor.send({ type: 'read', conversationId, seq: sent.seq as number });
  const read = await student.next((f) => f.type === 'read');
  t.same(read, { type: 'read', conversationId, userId: maya.userId, seq: sent.seq });
  mentor.send({ type: 'read', conversationId, seq: 0 });
  const ownReads = () => mentor.frames.filter((f) => f.type === 'read' && f.userId === maya.userId);
  await eventually(() => ownReads().length === 2, 5000, 'both read markers answered');
  t.equal(ownReads()[1]!.seq, sent.seq, 'an older marker does not move it back');
  const member = await app.db.prisma.conversationMember.findUnique({ where: { conversationId_userId: { conversationId, userId: maya.userId } } });
  t.equal(member?.lastReadSeq, sent.seq, 'stored, and never moved backwards');

  await student.close();
  const offline = await mentor.next((f) => f.type === 'presence' && f.userId === ava.userId && f.online === false);
  t.ok(offline, 'the mentor sees the student go offline');
});
