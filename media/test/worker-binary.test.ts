import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { installedMediasoupVersion, resolveWorkerBinary } from '../worker-binary.ts';

t.test('MEDIASOUP_WORKER_BIN wins when it exists', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-worker-bin-'));
  const bin = join(dir, 'mediasoup-worker');
  writeFileSync(bin, '');
  t.equal(resolveWorkerBinary({ MEDIASOUP_WORKER_BIN: bin }), bin);
});

t.test('otherwise the cache folder keyed by the installed mediasoup version is used', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'trellis-cache-'));
  const bin = join(cache, 'trellis', `mediasoup-worker-${installedMediasoupVersion()}`, 'mediasoup-worker');
  t.throws(() => resolveWorkerBinary({ XDG_CACHE_HOME: cache }), /scripts\/ensure-mediasoup-worker\.sh/);
  mkdirSync(join(bin, '..'), { recursive: true });
  writeFileSync(bin, '');
  t.equal(resolveWorkerBinary({ XDG_CACHE_HOME: cache }), bin);
});

t.test('a missing binary fails with a message naming the script that builds it', async (t) => {
  t.throws(() => resolveWorkerBinary({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' }), {
    message: /MEDIASOUP_WORKER_BIN points to \/nonexistent\/mediasoup-worker.*scripts\/ensure-mediasoup-worker\.sh/,
  });
});
