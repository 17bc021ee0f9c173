/**
 * The node's cache of recent screening signals: misses are read together, hits are cut to the
 * window asked for, and a conversation forgotten while its read runs is read again next time.
 */
import t from 'tap';
import { RecentSignalsCache } from '../server/cache/signals-cache.ts';
import type { RecentSignal } from '../server/repositories/messages.ts';

const HOUR = 3600_000;

/** A signal of `hoursAgo` before `now`. */
function signal(now: number, hoursAgo: number, category: string): RecentSignal {
  return { at: new Date(now - hoursAgo * HOUR), senderRole: 'mentor', categories: [category], severity: 'medium' };
}

/**
 * A store of signals per conversation, read like the database (since a time), counting each read;
 * `pause` holds the answers of reads, which see the store as it was when they began.
 */
function signalStore(now: number) {
  const stored = new Map<string, RecentSignal[]>([
    ['c1', [signal(now, 30, 'secrecy'), signal(now, 2, 'contact')]],
    ['c2', [signal(now, 1, 'meeting')]],
  ]);
  const reads: string[][] = [];
  let paused: Promise<void> | null = null;
  const read = async (ids: string[], since: Date) => {
    reads.push([...ids]);
    const found = new Map(ids.map((id) => [id, (stored.get(id) ?? []).filter((s) => s.at >= since)]));
    await paused;
    return found;
  };
  return { stored, reads, read, pause: (until: Promise<void>) => (paused = until) };
}

const categoriesOf = (signals: Map<string, RecentSignal[]>) => Object.fromEntries([...signals].map(([id, list]) => [id, list.map((s) => s.categories[0])]));

t.test('misses are read in one query, then served from memory and cut to the window', async (t) => {
  const now = Date.now();
  const store = signalStore(now);
  const cache = new RecentSignalsCache({ read: store.read, ttlMs: 60_000, maxEntries: 100 });
  const day = new Date(now - 48 * HOUR);
  t.same(categoriesOf(await cache.get(['c1', 'c2', 'c3'], day)), { c1: ['secrecy', 'contact'], c2: ['meeting'], c3: [] });
  t.same(store.reads, [['c1', 'c2', 'c3']], 'one read for the three misses');

  store.stored.get('c1')!.push(signal(now, 0, 'self_harm'));
  t.same(categoriesOf(await cache.get(['c1', 'c3'], new Date(now - 24 * HOUR))), { c1: ['contact'], c3: [] }, 'cached, cut to the last day');
  t.equal(store.reads.length, 1, 'no read for cached conversations');

  cache.forget('c1');
  t.same(categoriesOf(await cache.get(['c1', 'c2'], day)), { c1: ['secrecy', 'contact', 'self_harm'], c2: ['meeting'] }, 'a forgotten conversation is read again');
  t.same(store.reads.at(-1), ['c1'], 'alone');

  cache.clear();
  await cache.get(['c1', 'c2'], day);
  t.same(store.reads.at(-1), ['c1', 'c2'], 'clear forgets every conversation');
});

t.test('a read overtaken by a new signal is used once, never kept', async (t) => {
  const now = Date.now();
  const store = signalStore(now);
  const cache = new RecentSignalsCache({ read: store.read, ttlMs: 60_000, maxEntries: 100 });
  const since = new Date(now - 48 * HOUR);
  let release = () => {};
  store.pause(new Promise<void>((resolve) => (release = resolve)));
  const reading = cache.get(['c2'], since);
  store.stored.get('c2')!.push(signal(now, 0, 'secrecy'));
  cache.forget('c2');
  release();
  t.same(categoriesOf(await reading), { c2: ['meeting'] }, 'the read in flight answers with what it found');
  store.pause(Promise.resolve());
  t.same(categoriesOf(await cache.get(['c2'], since)), { c2: ['meeting', 'secrecy'] }, 'the next one reads again');
  t.equal(store.reads.length, 2);
});

t.test('a failed read fails the batch that asked and caches nothing', async (t) => {
  let fail = true;
  const cache = new RecentSignalsCache({
    read: async (ids) => {
      if (fail) throw new Error('database unavailable');
      return new Map(ids.map((id) => [id, []]));
    },
    ttlMs: 60_000,
    maxEntries: 100,
  });
  await t.rejects(cache.get(['c1'], new Date(0)), /database unavailable/);
  fail = false;
  t.same(categoriesOf(await cache.get(['c1'], new Date(0))), { c1: [] });
});
