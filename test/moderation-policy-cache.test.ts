import t from 'tap';
import { canonicalJson, entryHash, GENESIS_HASH, verifyPage } from '../server/audit/chain.ts';
import { PolicyCache } from '../server/moderation/policy-cache.ts';

/** A cache over a stored-policy table the test edits, with a clock it moves. */
function fixture(ttlMs = 1000) {
  const stored = new Map<string, unknown>([['p1', {}]]);
  let clock = 0;
  let reads = 0;
  let failing = false;
  const cache = new PolicyCache({
    ttlMs,
    now: () => clock,
    load: async (id) => {
      reads++;
      if (failing) throw new Error('database unreachable');
      return stored.has(id) ? stored.get(id) : null;
    },
  });
  return { cache, stored, tick: (ms: number) => (clock += ms), reads: () => reads, fail: (on: boolean) => (failing = on) };
}

t.test('policies are read once per ttl, and a change stored elsewhere arrives after it', async (t) => {
  const f = fixture();
  await Promise.all([f.cache.ensure('p1'), f.cache.ensure('p1')]);
  t.equal(f.reads(), 1, 'concurrent loads are shared');
  t.equal(f.cache.policyFor('p1').version, 'default-1');
  f.stored.set('p1', { version: 'strict' });
  await f.cache.ensure('p1');
  t.equal(f.cache.policyFor('p1').version, 'default-1', 'cached within the ttl');
  f.tick(1000);
  await f.cache.ensure('p1');
  t.equal(f.cache.policyFor('p1').version, 'strict', 're-read after the ttl');
});

t.test('a bad stored policy or an unknown program makes policyFor throw (the pipeline then holds)', async (t) => {
  const f = fixture();
  f.stored.set('p1', { rules: [{ categories: [], action: 'deliver' }] });
  await f.cache.ensure('p1');
  t.throws(() => f.cache.policyFor('p1'), /policy\.rules\[0\]\.categories/);
  await f.cache.ensure('nope');
  t.throws(() => f.cache.policyFor('nope'), /does not exist/);
  t.throws(() => f.cache.policyFor('never-loaded'), /not loaded/);
});

t.test('a failed read keeps the policy validated before and retries on the next message', async (t) => {
  const f = fixture();
  await f.cache.ensure('p1');
  f.tick(1000);
  f.fail(true);
  await f.cache.ensure('p1');
  t.equal(f.cache.policyFor('p1').version, 'default-1');
  f.fail(false);
  f.stored.set('p1', { version: 'v2' });
  await f.cache.ensure('p1');
  t.equal(f.cache.policyFor('p1').version, 'v2', 'retried at once');
});

t.test('the canonical serialisation ignores key order; verifyPage names an edit', async (t) => {
  t.equal(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x', u: undefined }), '{"a":"x","b":[1,{"c":null,"d":1}]}');
  // Stored chains are verified with this text: it must never change.
  const tricky = { b: [1, { d: 1, c: null }, undefined, -0, 1e21], a: 'x"\n\\', u: undefined, '10': 'ten', '9': 'nine', é: { Z: true, A: [] }, '\u{1F600}': 0.5, B: {} };
  t.equal(canonicalJson(tricky), '{"10":"ten","9":"nine","B":{},"a":"x\\"\\n\\\\","b":[1,{"c":null,"d":1},null,0,1e+21],"é":{"A":[],"Z":true},"\u{1F600}":0.5}', 'keys by UTF-16 code units, integer-like ones too');
  const at = new Date('2026-11-24T12:00:00.000Z');
  const content = { at, actorId: null, kind: 'k', subjectIds: ['s'], data: { n: 1 } };
  const first = { ...content, seq: 1, prevHash: GENESIS_HASH, hash: entryHash(GENESIS_HASH, 1, content) };
  const second = { ...content, seq: 2, prevHash: first.hash, hash: entryHash(first.hash, 2, content) };
  t.same(verifyPage([first, second], { seq: 1, prevHash: GENESIS_HASH }), { next: { seq: 3, prevHash: second.hash } });
  const edited = { ...second, data: { n: 2 } };
  t.same(verifyPage([first, edited], { seq: 1, prevHash: GENESIS_HASH }), { broken: { seq: 2, reason: 'content does not match its hash (edited)' } });
});
