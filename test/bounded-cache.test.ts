/**
 * The read caches' building block: a load overtaken by an invalidation never stores, concurrent
 * misses share one read, and entries leave by weight, age and validity.
 */
import t from 'tap';
import { BoundedCache, type Loaded } from '../server/cache/bounded-cache.ts';

/** A load whose results the test hands over when it wants (`release`), counting how often it ran. */
function gate<V>(value: V, scope: string) {
  const waiting: (() => void)[] = [];
  const state = { runs: 0, release: () => waiting.splice(0).forEach((resolve) => resolve()) };
  const loader = async (): Promise<Loaded<V>> => {
    state.runs++;
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { value, scope };
  };
  return { state, loader };
}

t.test('a load that began before its scope was invalidated does not store', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000 });
  const stale = gate('read before the change', 'c1');
  const reading = cache.load('k', stale.loader);
  cache.invalidate('c1');
  stale.state.release();
  t.equal(await reading, 'read before the change', 'the caller still gets what it read');
  t.equal(cache.get('k'), undefined, 'but it is not cached');

  const other = gate('unrelated', 'c2');
  const unrelated = cache.load('other', other.loader);
  cache.invalidate('c1');
  other.state.release();
  await unrelated;
  t.equal(cache.get('other'), 'unrelated', 'invalidating another scope does not stop a load');

  const fresh = gate('read after the change', 'c1');
  const again = cache.load('k', fresh.loader);
  fresh.state.release();
  await again;
  t.equal(cache.get('k'), 'read after the change', 'a load that began after the invalidation stores');
  cache.invalidate('c1');
  t.equal(cache.get('k'), undefined, "invalidation drops the scope's entries");
  t.equal(cache.get('other'), 'unrelated');
});

t.test('clear stops every running load from storing', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000 });
  const running = gate('old', 's');
  const reading = cache.load('k', running.loader);
  cache.clear();
  running.state.release();
  await reading;
  t.equal(cache.get('k'), undefined);
  t.equal(cache.size, 0);
});

t.test('too many scopes invalidated during a load refuses every running load', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000, maxInvalidatedScopes: 3 });
  const running = gate('old', 'untouched');
  const reading = cache.load('k', running.loader);
  for (const scope of ['a', 'b', 'c', 'd']) cache.invalidate(scope);
  running.state.release();
  await reading;
  t.equal(cache.get('k'), undefined, 'refused, since its scope can no longer be told apart');
});

t.test('concurrent misses share one read unless an invalidation came between them', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000 });
  const shared = gate('v', 's');
  const first = cache.load('k', shared.loader);
  const second = cache.load('k', shared.loader);
  t.equal(shared.state.runs, 1, 'one read for two misses');
  cache.invalidate('elsewhere');
  const third = cache.load('k', shared.loader);
  t.equal(shared.state.runs, 2, 'a miss after an invalidation reads again');
  shared.state.release();
  t.same(await Promise.all([first, second, third]), ['v', 'v', 'v']);
});

t.test('nothing found is not cached; a failed read is not cached', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000 });
  t.equal(await cache.load('none', async () => null), null);
  await t.rejects(cache.load('broken', async () => Promise.reject(new Error('database down'))), /database down/);
  t.equal(cache.size, 0);
  t.equal(await cache.load('broken', async () => ({ value: 'back', scope: 's' })), 'back', 'the next miss reads again');
});

t.test('the least recently used entries leave first when the weight is exceeded', async (t) => {
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 60_000, weigh: (value) => value.length });
  for (const key of ['aaaa', 'bbbb']) await cache.load(key, async () => ({ value: key, scope: key }));
  t.equal(cache.get('aaaa'), 'aaaa', 'a is now the most recently used');
  await cache.load('cccc', async () => ({ value: 'cccc', scope: 'cccc' }));
  t.equal(cache.get('bbbb'), undefined, 'b left');
  t.same([cache.get('aaaa'), cache.get('cccc')], ['aaaa', 'cccc']);
  t.equal(cache.weight, 8);
  await cache.load('huge', async () => ({ value: 'x'.repeat(11), scope: 'huge' }));
  t.equal(cache.get('huge'), undefined, 'a value heavier than the whole cache is not kept');
  t.equal(cache.weight, 8, 'and evicts nothing');
});

t.test('entries expire with the age limit or their own validity, whichever is sooner', async (t) => {
  // The checks read the cache at given times, not after waits, so a loaded machine cannot make them late.
  const cache = new BoundedCache<string>({ maxWeight: 10, ttlMs: 10_000 });
  const before = Date.now();
  const validUntil = before + 5_000;
  await cache.load('aged', async () => ({ value: 'v', scope: 's' }));
  await cache.load('valid', async () => ({ value: 'v', scope: 's', validUntil }));
  await cache.load('long', async () => ({ value: 'v', scope: 's', validUntil: before + 60_000 }));
  const after = Date.now();
  t.equal(cache.get('valid', validUntil - 1), 'v');
  t.equal(cache.get('valid', validUntil), undefined, 'its validity ends');
  t.equal(cache.get('aged', validUntil), 'v', 'still within the age limit');
  t.equal(cache.get('long', before + 9_999), 'v');
  t.equal(cache.get('aged', after + 10_000), undefined, 'the age limit ends');
  t.equal(cache.get('long', after + 10_000), undefined, 'the age limit caps a longer validity');
});
