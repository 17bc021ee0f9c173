import t from 'tap';
import { build, eventually, login, type Teardown } from './support/app.ts';
import { TestClient } from './support/ws-client.ts';

/** One sample of a Prometheus text exposition, by metric name and label subset. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function scrape(app: Awaited<ReturnType<typeof build>>['app']): Promise<string> {
  const response = await app.inject({ url: '/metrics' });
  if (response.statusCode !== 200) throw new Error(`metrics answered ${response.statusCode}`);
  return response.body;
}

async function setup(t: Teardown) {
  const built = await build(t, { env: { NODE_ID: 'node-under-test' } });
  const ava = await login(built.app, 'ava');
  const maya = await login(built.app, 'maya');
  const list = await built.app.inject({ url: '/conversations', headers: { authorization: `Bearer ${ava.token}` } });
  const conversationId = (list.json() as { conversation: { id: string } }[])[0]!.conversation.id;
  return { ...built, ava, maya, conversationId };
}

t.test('metrics count connections, messages, verdicts and stage timings in Prometheus format', async (t) => {
  const { app, wsUrl, ava, maya, conversationId } = await setup(t);
  const before = await scrape(app);
  t.match(before, /# TYPE trellis_connections gauge/);
  t.equal(sample(before, 'trellis_connections'), 0);
  t.match(before, /trellis_process_resident_memory_bytes/, 'default process metrics are included');

  const student = await TestClient.connect(wsUrl, ava.token);
  const mentor = await TestClient.connect(wsUrl, maya.token);
  t.teardown(() => Promise.all([student.close(), mentor.close()]));
  t.equal(sample(await scrape(app), 'trellis_connections', { node: 'node-under-test' }), 2);

  t.equal((await student.sendMessage(conversationId, 'm1', 'What do civil engineers do all day?')).type, 'ack');
  t.equal((await student.sendMessage('not-a-conversation', 'm2', 'hello')).code, 'NOT_A_MEMBER');
  await eventually(() => mentor.messages(conversationId).length === 1);
  const after = await eventually(async () => {
    const text = await scrape(app);
    return (sample(text, 'trellis_messages_out_total', { path: 'live' }) ?? 0) >= 2 ? text : '';
  });
  t.equal(sample(after, 'trellis_frames_in_total', { type: 'send' }), 2);
  t.equal(sample(after, 'trellis_messages_in_total', { outcome: 'ack' }), 1);
  t.equal(sample(after, 'trellis_messages_in_total', { outcome: 'NOT_A_MEMBER' }), 1);
  t.equal(sample(after, 'trellis_verdicts_total', { action: 'deliver' }), 1);
  for (const stage of ['access', 'idempotency', 'screen', 'store', 'publish', 'total']) {
    t.equal(sample(after, 'trellis_send_stage_seconds_count', { stage }), 1, `${stage} is timed`);
  }
  t.equal(sample(after, 'trellis_queue_depth', { queue: 'sends' }), 0, 'no send waiting');
  t.match(after, /# TYPE trellis_sfu_rooms gauge/);
  t.match(after, /# TYPE trellis_sfu_consumers gauge/);

  await mentor.close();
  await eventually(async () => sample(await scrape(app), 'trellis_connections') === 1, 5000, 'closed socket is uncounted');
});

t.test('two apps in one process keep separate registries', async (t) => {
  const first = await setup(t);
  const second = await build(t, { env: { NODE_ID: 'second' } });
  const client = await TestClient.connect(first.wsUrl, first.ava.token);
  t.teardown(() => client.close());
  t.equal(sample(await scrape(first.app), 'trellis_connections'), 1);
  t.equal(sample(await scrape(second.app), 'trellis_connections'), 0);
  t.notOk(/node="node-under-test"/.test(await scrape(second.app)), 'labels do not leak between apps');
});
