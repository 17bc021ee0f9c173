/**
 * A small, time-bounded version of the load tests' fault stage: two nodes (child processes) on real
 * PostgreSQL and Redis, the demo members split over them, 40 messages/s for 3 s, and node B killed
 * with SIGKILL after 1 s. Its clients reconnect to node A and resume; every acknowledged message must
 * be stored and held exactly once by every other member. The full run is `npm run loadtest -- --only fault`.
 */
import t from 'tap';
import { api, loginAs, type Fixture, type LoadUser } from '../load-tests/lib/fixtures.ts';
import { startNode } from '../load-tests/lib/node-process.ts';
import { Progress } from '../load-tests/lib/progress.ts';
import { runScenario } from '../load-tests/stages/fault.ts';
import { DEMO_PASSWORD, demoEmail } from '../server/seed/demo.ts';
import { startPostgres, startRedis } from './support/servers.ts';

const MEMBERS = ['ava', 'maya', 'priya', 'liam', 'sofia', 'noah', 'zara'];

t.test('killing a node under load loses and duplicates no acknowledged message', async (t) => {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  t.teardown(() => Promise.all([postgres.stop(), redis.stop()]));
  const a = await startNode({ name: 'node-a', databaseUrl: postgres.url, redisUrl: redis.url, demoSeed: true });
  t.teardown(() => a.stop());
  const b = await startNode({ name: 'node-b', databaseUrl: postgres.url, redisUrl: redis.url });
  t.teardown(() => b.stop());

  const users = new Map<string, LoadUser>();
  const byKey = new Map<string, LoadUser>();
  for (const key of MEMBERS) {
    const { token, userId } = await loginAs(a.baseUrl, demoEmail(key), DEMO_PASSWORD);
    const user: LoadUser = { token, userId, role: key === 'maya' || key === 'priya' ? 'mentor' : 'student' };
    users.set(userId, user);
    byKey.set(key, user);
  }
  const conversations = new Map<string, LoadUser[]>();
  for (const key of ['ava', 'priya']) {
    const mine = await api<{ conversation: { id: string; members: { userId: string }[] } }[]>(a.baseUrl, 'GET', '/conversations', byKey.get(key)!.token);
    for (const { conversation } of mine) conversations.set(conversation.id, conversation.members.map((m) => users.get(m.userId)!));
  }
  const fixture: Fixture = { conversations: [...conversations].map(([id, members]) => ({ id, members })), users: [...users.values()], coordinatorToken: '' };
  t.equal(fixture.conversations.length, 2, 'the one-to-one and the small group');

  const result = await runScenario('kill -9 node B', [a, b], fixture, postgres.url, () => b.kill(), new Progress({ silent: true }), {
    rate: 40,
    sendMs: 3000,
    disruptAtMs: 1000,
    settleMs: 45_000,
  });
  t.ok(result.acked > 0, 'messages were acknowledged');
  t.ok(result.reconnects > 0, "node B's clients reconnected");
  t.equal(result.unanswered, 0, 'every send was answered');
  t.equal(result.ackedNotStored, 0, 'every acknowledged message is stored');
  t.equal(result.ackedNotReceived, 0, 'every member holds every acknowledged message');
  t.equal(result.duplicates, 0, 'no member holds a message twice');
  t.ok(result.pass);
});
