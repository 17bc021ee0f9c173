/**
 * Two Trellis processes on different ports sharing one PostgreSQL server and one Redis: members on
 * different nodes talk in order, and a coordinator on one node gets the alerts raised on the other.
 */
import t from 'tap';
import { loginAs } from '../load-tests/lib/fixtures.ts';
import { startNode } from '../load-tests/lib/node-process.ts';
import { DEMO_PASSWORD, demoEmail } from '../server/seed/demo.ts';
import { eventually } from './support/app.ts';
import { startPostgres, startRedis } from './support/servers.ts';
import { TestClient } from './support/ws-client.ts';

async function loginAt(baseUrl: string, key: string): Promise<string> {
  return (await loginAs(baseUrl, demoEmail(key), DEMO_PASSWORD)).token;
}

t.test('a student on node 1 and a mentor on node 2 exchange messages in order', async (t) => {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  t.teardown(() => Promise.all([postgres.stop(), redis.stop()]));
  const node1 = await startNode({ name: 'node-1', databaseUrl: postgres.url, redisUrl: redis.url, demoSeed: true });
  t.teardown(() => node1.stop());
  const node2 = await startNode({ name: 'node-2', databaseUrl: postgres.url, redisUrl: redis.url });
  t.teardown(() => node2.stop());

  const student = await TestClient.connect(node1.wsUrl, await loginAt(node1.baseUrl, 'ava'));
  const mentor = await TestClient.connect(node2.wsUrl, await loginAt(node2.baseUrl, 'maya'));
  const coordinator = await TestClient.connect(node2.wsUrl, await loginAt(node2.baseUrl, 'coordinator'));
  t.teardown(() => Promise.all([student.close(), mentor.close(), coordinator.close()]));
  const hello = student.frames.find((f) => f.type === 'hello') as unknown as { node: string; conversations: { conversationId: string }[] };
  t.equal(hello.node, 'node-1');
  t.equal(mentor.frames.find((f) => f.type === 'hello')?.node, 'node-2');
  const conversationId = hello.conversations[0]!.conversationId;

  for (let i = 1; i <= 10; i++) {
    const fromStudent = await student.sendMessage(conversationId, `s${i}`, `Student question ${i} about the bridge project`);
    t.equal(fromStudent.type, 'ack');
    const fromMentor = await mentor.sendMessage(conversationId, `m${i}`, `Mentor answer ${i}: check the load tables`);
    t.equal(fromMentor.type, 'ack');
  }
  // Every socket of a member receives every message of the conversation (its own included, for its other devices).
  const expected = Array.from({ length: 20 }, (_, i) => i + 1);
  await eventually(() => mentor.messages(conversationId).length >= 20 && student.messages(conversationId).length >= 20, 15_000);
  t.same(mentor.messages(conversationId).map((m) => m.seq), expected, 'node 2 holds every message once, in order');
  t.same(student.messages(conversationId).map((m) => m.seq), expected, 'node 1 holds every message once, in order');

  const crisis = await student.sendMessage(conversationId, 'crisis', "I don't want to live anymore and I keep thinking about killing myself");
  t.equal(crisis.type, 'ack');
  const alert = await coordinator.next((f) => f.type === 'alert', 15_000);
  t.match(JSON.stringify(alert), /crisis/, 'the coordinator on node 2 is alerted live about a message sent on node 1');

  // A client that resends on another node while its first attempt is still being written: both
  // attempts race into each node's batch; one stores the message, the other answers with it.
  const studentElsewhere = await TestClient.connect(node2.wsUrl, await loginAt(node2.baseUrl, 'ava'));
  t.teardown(() => studentElsewhere.close());
  for (let i = 1; i <= 10; i++) {
    const body = `Racing resend ${i} about the internship form`;
    const [first, second] = await Promise.all([
      student.sendMessage(conversationId, `race${i}`, body),
      studentElsewhere.sendMessage(conversationId, `race${i}`, body),
    ]);
    t.same([first.type, second.type], ['ack', 'ack']);
    t.same([second.messageId, second.seq], [first.messageId, first.seq], `race ${i}: both attempts acknowledge the same message`);
  }
  await eventually(() => mentor.messages(conversationId).length >= 31, 15_000);
  const seqs = mentor.messages(conversationId).map((m) => m.seq);
  t.same(seqs, Array.from({ length: 31 }, (_, i) => i + 1), 'each raced message is stored and delivered once, with no gap');
});
