/**
 * Upload throughput and server memory: `npm run bench:upload [-- --clients 20 --total-mb 200]`.
 *
 * Starts a Trellis server as a child process on a free loopback port with its own DATA_DIR and the
 * demo program, then has `clients` concurrent clients upload `total-mb` of photos (JPEGs with an EXIF
 * segment and incompressible scan data, distinct per client) in one conversation: each goes through
 * streaming, sniffing, metadata stripping, screening of the name, the store and a message. The
 * server's RSS is sampled from /proc during the run. The baseline, measured in the same run, is this
 * machine writing and hashing the same bytes to disk in one process: the ratio says how much of the
 * disk's speed the upload path keeps. Exit code 1 when an upload fails, when a downloaded file is not
 * the stripped upload, or when the server's RSS grows by more than 64 MB.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const RSS_GROWTH_LIMIT_MB = 64;
const ROOT = resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: { clients: { type: 'string', default: '20' }, 'total-mb': { type: 'string', default: '200' } },
});
const clients = Number(args.clients);
const totalMb = Number(args['total-mb']);
const perFile = Math.floor((totalMb * 1024 * 1024) / clients);

/** A free loopback port (closed again before the server takes it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident set size of a process in bytes, from /proc. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** A JPEG of `size` bytes: SOI, JFIF, an EXIF APP1 (stripped by the server), one scan of random data, EOI. */
function photo(size: number): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const exifPayload = Buffer.concat([Buffer.from('Exif\0\0GPS 52.37N 4.89E', 'latin1'), Buffer.alloc(200)]);
  const exif = Buffer.concat([Buffer.from([0xff, 0xe1, (exifPayload.length + 2) >> 8, (exifPayload.length + 2) & 0xff]), exifPayload]);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  const head = Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, exif, sos]);
  const scan = randomBytes(size - head.length - 2);
  // No marker inside the scan: 0xFF would start one.
  for (let i = 0; i < scan.length; i++) if (scan[i] === 0xff) scan[i] = 0xfe;
  return Buffer.concat([head, scan, Buffer.from([0xff, 0xd9])]);
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-upload-bench-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/server.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_SEED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = server.pid;
  if (pid === undefined) throw new Error('server did not start');
  const exited = new Promise<void>((done) => server.once('exit', () => done()));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const up = await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error('server did not become healthy');
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = async (key: string) =>
      (await json(await fetch(`${baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${key}@demo.trellis.school`, password: 'trellis-demo' }),
      }))) as { token: string };
    const tokens = [(await login('ava')).token, (await login('maya')).token];
    const conversations = (await (await fetch(`${baseUrl}/conversations`, { headers: { authorization: `Bearer ${tokens[0]}` } })).json()) as {
      conversation: { id: string };
    }[];
    const conversationId = conversations[0]!.conversation.id;
    const send = async (token: string, name: string, bytes: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
      return json(await fetch(`${baseUrl}/conversations/${conversationId}/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
    };

    const files = Array.from({ length: clients }, () => photo(perFile));
    // Warm up: load the upload path's modules once, then take the baseline RSS.
    await send(tokens[0]!, 'warm-up.jpg', photo(256 * 1024));
    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssOf(pid));
    }, 20);

    const started = performance.now();
    const results = await Promise.allSettled(files.map((bytes, i) => send(tokens[i % 2]!, `photo-${i}.jpg`, bytes)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssOf(pid));
    const failures = results.filter((r) => r.status === 'rejected');
    for (const failure of failures.slice(0, 3)) console.error('upload failed:', (failure as PromiseRejectedResult).reason);

    // Check one download: the stripped photo (EXIF gone), byte-exact with what was stored.
    let downloadOk = false;
    const first = results[0];
    if (first?.status === 'fulfilled') {
      const file = first.value.file as { id: string; sha256: string };
      const bytes = new Uint8Array(await (await fetch(`${baseUrl}/files/${file.id}`, { headers: { authorization: `Bearer ${tokens[1]}` } })).arrayBuffer());
      downloadOk = createHash('sha256').update(bytes).digest('hex') === file.sha256 && !Buffer.from(bytes).includes('Exif');
    }

    // Baseline: the same bytes written to disk and hashed in this process.
    const baselineStarted = performance.now();
    for (const [i, bytes] of files.entries()) {
      createHash('sha256').update(bytes).digest('hex');
      await writeFile(join(dataDir, `baseline-${i}`), bytes, { flush: true });
    }
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    const mb = (perFile * clients) / (1024 * 1024);
    const growthMb = (rssPeak - rssBefore) / (1024 * 1024);
    const rows = [
      ['clients', String(clients)],
      ['uploaded', `${mb.toFixed(0)} MB in ${clients} files`],
      ['upload throughput', `${(mb / seconds).toFixed(1)} MB/s (${seconds.toFixed(2)} s)`],
      ['baseline (write + hash)', `${(mb / baselineSeconds).toFixed(1)} MB/s`],
      ['ratio upload / baseline', (baselineSeconds / seconds).toFixed(2)],
      ['server RSS before', `${(rssBefore / 1048576).toFixed(1)} MB`],
      ['server RSS peak', `${(rssPeak / 1048576).toFixed(1)} MB`],
      ['server RSS growth', `${growthMb.toFixed(1)} MB (limit ${RSS_GROWTH_LIMIT_MB} MB)`],
      ['failed uploads', String(failures.length)],
      ['download check', downloadOk ? 'ok (hash matches, no EXIF)' : 'FAILED'],
    ];
    const width = Math.max(...rows.map(([label]) => label!.length));
    for (const [label, value] of rows) console.log(`${label!.padEnd(width)}  ${value}`);
    const ok = failures.length === 0 && downloadOk && growthMb <= RSS_GROWTH_LIMIT_MB;
    console.log(ok ? 'PASS' : 'FAIL');
    return ok ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench:upload failed:', error);
    process.exit(1);
  },
);
