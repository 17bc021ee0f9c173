import t, { type Test } from 'tap';
import type { AlertEvent, Bus, BusListener, ConversationEvent, UserEvent } from '../server/bus/bus.ts';
import { LocalBus } from '../server/bus/local-bus.ts';
import { Redis } from 'ioredis';
import { RedisBus } from '../server/bus/redis-bus.ts';
import { eventually } from './support/app.ts';
import { startRedis } from './support/servers.ts';

/** A listener that records everything it hears. */
function recorder() {
  const heard = { conversation: [] as ConversationEvent[], user: [] as UserEvent[], alert: [] as AlertEvent[], resync: 0 };
  const listener: BusListener = {
    conversation: (event) => heard.conversation.push(event),
    user: (event) => heard.user.push(event),
    alert: (event) => heard.alert.push(event),
    resync: () => heard.resync++,
  };
  return { heard, listener };
}

/**
 * The behaviour required of every bus: events published on any node reach the listener of every
 * node, each once, in publish order. Returns what each node heard.
 */
async function exercise(buses: Bus[]) {
  const recorders = buses.map((bus) => {
    const record = recorder();
    bus.listen(record.listener);
    return record;
  });
  const first = buses[0]!;
  const last = buses.at(-1)!;
  await first.ping();
  await first.deliverToConversation({ conversationId: 'c1', kind: 'message', seq: 1 });
  await last.notifyUser({ userId: 'u1', kind: 'conversation.added', conversationId: 'c1' });
  await first.publishAlert({ programId: 'p1', severity: 'critical' });
  for (let seq = 2; seq <= 20; seq++) await last.deliverToConversation({ conversationId: 'c1', kind: 'message', seq });
  const batch = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ conversationId: 'c1', kind: 'message', seq: from + i }));
  await first.deliverToConversations(batch(21, 35));
  await first.deliverToConversations([]);
  await last.deliverToConversations(batch(36, 50));
  for (const { heard } of recorders) {
    await eventually(() => heard.conversation.length >= 50 && heard.user.length >= 1 && heard.alert.length >= 1, 5000);
  }
  return recorders.map((r) => r.heard);
}

const EXPECTED_SEQS = Array.from({ length: 50 }, (_, i) => i + 1);

t.test('in-process bus', async (t) => {
  const bus = new LocalBus();
  t.teardown(() => bus.close());
  const [heard] = await exercise([bus]);
  t.same(heard!.conversation.map((e) => e.seq), EXPECTED_SEQS, 'deliveries in publish order, once each');
  t.same(heard!.user, [{ userId: 'u1', kind: 'conversation.added', conversationId: 'c1' }]);
  t.same(heard!.alert, [{ programId: 'p1', severity: 'critical' }]);
});

t.test('Redis bus between two nodes', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const onError = () => {};
  const buses = [await RedisBus.connect(redis.url, onError), await RedisBus.connect(redis.url, onError)];
  t.teardown(() => Promise.all(buses.map((bus) => bus.close())));
  for (const [node, heard] of (await exercise(buses)).entries()) {
    t.same(heard.conversation.map((e) => e.seq), EXPECTED_SEQS, `node ${node}: deliveries in publish order, once each`);
    t.same(heard.user, [{ userId: 'u1', kind: 'conversation.added', conversationId: 'c1' }]);
    t.same(heard.alert, [{ programId: 'p1', severity: 'critical' }]);
  }
});

/** A Redis server and a bus connected to it, both gone when the test ends. */
async function busOnRedis(t: Test) {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const bus = await RedisBus.connect(redis.url, () => {});
  t.teardown(() => bus.close());
  const { heard, listener } = recorder();
  bus.listen(listener);
  return { redis, bus, heard };
}

t.test('Redis bus: a batch of conversation events is one publication', async (t) => {
  const { redis, bus, heard } = await busOnRedis(t);
  const stats = new Redis(redis.url);
  t.teardown(() => stats.quit());
  const publishes = async () => Number(/cmdstat_publish:calls=(\d+)/.exec(await stats.info('commandstats'))?.[1] ?? 0);
  const before = await publishes();
  await bus.deliverToConversations(Array.from({ length: 20 }, (_, i) => ({ conversationId: `c${i % 3}`, kind: 'message', seq: i + 1 })));
  await bus.deliverToConversations([]);
  t.equal((await publishes()) - before, 1, 'twenty events, one PUBLISH; none for no events');
  await eventually(() => heard.conversation.length === 20, 5000);
  t.same(heard.conversation.map((e) => [e.conversationId, e.seq]), Array.from({ length: 20 }, (_, i) => [`c${i % 3}`, i + 1]), 'each event once, in order');
});

t.test('Redis bus asks for a resync after reconnecting, and publishes again', async (t) => {
  const { redis, bus, heard } = await busOnRedis(t);
  const other = recorder();
  bus.listen(other.listener);
  await redis.restart();
  await eventually(() => heard.resync > 0 && other.heard.resync > 0, 15_000, 'every listener resyncs after reconnect');
  await eventually(async () => {
    await bus.deliverToConversation({ conversationId: 'c', kind: 'message', seq: 1 });
    return heard.conversation.length > 0;
  }, 15_000, 'delivery after reconnect');
  t.pass('delivers after Redis restarted');
});

t.test('every listener of a node hears every event, in the order they were added', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const buses: Bus[] = [new LocalBus(), await RedisBus.connect(redis.url, () => {})];
  t.teardown(() => Promise.all(buses.map((bus) => bus.close())));
  for (const bus of buses) {
    const order: string[] = [];
    const listeners = ['first', 'second'].map((name) => {
      const { heard, listener } = recorder();
      bus.listen({ ...listener, conversation: (event) => (order.push(name), listener.conversation(event)) });
      return heard;
    });
    await bus.deliverToConversation({ conversationId: 'c', kind: 'message', seq: 1 });
    await bus.notifyUser({ userId: 'u', kind: 'logout' });
    await eventually(() => listeners.every((heard) => heard.user.length === 1), 5000, `${bus.kind}: both hear the user event`);
    t.same(order, ['first', 'second'], `${bus.kind}: in the order they were added`);
    t.same(listeners.map((heard) => heard.conversation.length), [1, 1], `${bus.kind}: once each`);
  }
});

t.test('an unreachable Redis fails the connect', async (t) => {
  await t.rejects(RedisBus.connect('redis://127.0.0.1:1', () => {}));
});

t.test('a closed bus refuses to publish', async (t) => {
  const bus = new LocalBus();
  await bus.close();
  await t.rejects(bus.deliverToConversation({ conversationId: 'c', kind: 'typing' }));
  await t.rejects(bus.ping());
});
