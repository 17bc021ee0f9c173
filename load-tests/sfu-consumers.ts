/**
 * How many consumers one mediasoup worker can forward to: `npm run bench:sfu [-- --bitrate 300 --producers 2]`.
 *
 * ffmpeg-fed VP8 producers (320x240, 15 fps) on loopback into one worker; PlainTransport consumers send
 * to one UDP sink that counts RTP per consumer SSRC. Consumers are added in steps; after each step,
 * over a measurement window, the worker's CPU (getResourceUsage) and the loss (packets the sink got from
 * each consumer vs. packets its producer received in the same window) are measured. The run stops when
 * the worker saturates (CPU >= 85% of its single thread) or loses packets (>= 1%), or when its time
 * budget is spent. "consumers per worker" is the largest step under both limits; exit code 1 when under 400.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { eventually } from '../media/testing/eventually.ts';
import { consumeToSink, encodeTestPattern, openUdpSink, startFfmpegProducer, statsTotal, type FfmpegProducer, type PlainConsumer } from '../media/testing/rtp.ts';
import { WorkerPool } from '../media/worker-pool.ts';

const REQUIRED = 400;
const CPU_LIMIT = 85;
const LOSS_LIMIT = 1;
const STEPS = [100, 200, 400, 600, 800, 1000, 1500, 2000];
const WARM_UP_MS = 500;
const WINDOW_MS = 5000;
const BUDGET_MS = 150_000;
const CREATE_BATCH = 50; // consumers created concurrently

const { values: args } = parseArgs({
  options: { bitrate: { type: 'string', default: '300' }, producers: { type: 'string', default: '2' } },
});
const bitrateKbps = Number(args.bitrate);
const producerCount = Number(args.producers);

interface Row {
  consumers: number;
  /** Worker CPU, % of one core. */
  cpu: number;
  /** This process's CPU (the sink), % of one core. */
  benchCpu: number;
  /** Packets/s the producers received. */
  producedPps: number;
  /** Packets/s the sink received from all consumers. */
  forwardedPps: number;
  /** % of the packets consumers should have forwarded that the sink did not get. */
  loss: number;
}

interface Snapshot {
  at: number;
  workerCpuMs: number;
  benchCpuUs: number;
  producerPackets: Map<string, number>;
  sinkPackets: Map<number, number>;
}

const started = Date.now();
const elapsed = () => Math.round((Date.now() - started) / 1000);
const pool = await WorkerPool.create({ numWorkers: 1, logLevel: 'error', logger: pino({ level: 'warn' }) });
const [pid] = pool.workerPids;
if (pid === undefined) throw new Error('no worker');
const { router } = await pool.createRouter();
const sink = await openUdpSink();
const sources: FfmpegProducer[] = [];
const consumers: PlainConsumer[] = [];
const rows: Row[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'trellis-bench-sfu-'));
try {
  // Pre-encoded and looped, so the offered load stays real-time even when the machine is busy.
  const preEncoded = await encodeTestPattern(join(scratch, 'pattern.webm'), 10, bitrateKbps);
  for (let i = 0; i < producerCount; i += 1) sources.push(await startFfmpegProducer(router, { ssrc: 1000 + i, preEncoded }));
  for (const source of sources) {
    await eventually('ffmpeg RTP at the producer', async () => (await statsTotal(source.producer, 'packetCount')) > 0, { timeoutMs: 15_000 });
  }
  console.error(`worker pid ${pid}; ${producerCount} producers of VP8 320x240@15 at ${bitrateKbps} kbit/s`);
  for (const target of STEPS) {
    while (consumers.length < target && Date.now() - started < BUDGET_MS) {
      const batch = Array.from({ length: Math.min(CREATE_BATCH, target - consumers.length) }, (_, i) => {
        const source = sources[(consumers.length + i) % sources.length];
        if (!source) throw new Error('no producer');
        return consumeToSink(router, source.producer, sink.port);
      });
      consumers.push(...(await Promise.all(batch)));
    }
    if (consumers.length < target) break;
    // A new consumer forwards from its producer's next key frame: measure once every consumer forwards.
    await eventually('every consumer to forward', () => consumers.every(({ ssrc }) => sink.packetsOf(ssrc) > 0), { timeoutMs: 20_000 });
    await delay(WARM_UP_MS);
    const row = await measure();
    rows.push(row);
    console.error(`${row.consumers} consumers: worker CPU ${row.cpu.toFixed(0)}%, loss ${row.loss.toFixed(2)}% (${elapsed()} s)`);
    if (row.cpu >= CPU_LIMIT || row.loss >= LOSS_LIMIT || Date.now() - started > BUDGET_MS) break;
  }
} finally {
  for (const source of sources) await source.close();
  await sink.close();
  pool.close();
  rmSync(scratch, { recursive: true, force: true });
}

const sustained = rows.filter((r) => r.cpu < CPU_LIMIT && r.loss < LOSS_LIMIT).at(-1)?.consumers ?? 0;
const saturated = rows.some((r) => r.cpu >= CPU_LIMIT || r.loss >= LOSS_LIMIT);
console.log('| consumers | worker CPU (% of one core) | bench process CPU | produced packets/s | forwarded packets/s | loss |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const cells = [r.consumers, `${r.cpu.toFixed(1)}%`, `${r.benchCpu.toFixed(1)}%`, Math.round(r.producedPps), Math.round(r.forwardedPps), `${r.loss.toFixed(2)}%`];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(`\nconsumers per worker: ${saturated ? '' : '>= '}${sustained} (VP8 ${bitrateKbps} kbit/s from ${producerCount} producers; limits CPU < ${CPU_LIMIT}%, loss < ${LOSS_LIMIT}%; required ${REQUIRED})`);
const last = rows.at(-1);
if (!saturated && last && last.cpu > 0) {
  console.log(`not saturated within the time budget; linear projection to ${CPU_LIMIT}% CPU: ~${Math.round((last.consumers * CPU_LIMIT) / last.cpu)} consumers`);
}
process.exitCode = sustained >= REQUIRED ? 0 : 1;

async function measure(): Promise<Row> {
  const before = await snapshot();
  await delay(WINDOW_MS);
  const after = await snapshot();
  const seconds = (after.at - before.at) / 1000;
  const delta = <K>(key: K, of: (s: Snapshot) => Map<K, number>) => (of(after).get(key) ?? 0) - (of(before).get(key) ?? 0);
  // NOTE: packets in flight at the first snapshot are about as many as at the second (steady flow),
  // so comparing the two deltas does not bias the loss.
  let expected = 0;
  let received = 0;
  for (const { consumer, ssrc } of consumers) {
    expected += delta(consumer.producerId, (s) => s.producerPackets);
    received += delta(ssrc, (s) => s.sinkPackets);
  }
  const produced = sources.reduce((sum, { producer }) => sum + delta(producer.id, (s) => s.producerPackets), 0);
  return {
    consumers: consumers.length,
    cpu: ((after.workerCpuMs - before.workerCpuMs) / 1000 / seconds) * 100,
    benchCpu: ((after.benchCpuUs - before.benchCpuUs) / 1e6 / seconds) * 100,
    producedPps: produced / seconds,
    forwardedPps: received / seconds,
    loss: expected > 0 ? ((expected - received) / expected) * 100 : 100,
  };
}

async function snapshot(): Promise<Snapshot> {
  const usage = await pool.resourceUsage(pid ?? 0);
  if (!usage) throw new Error('the worker died during the benchmark');
  const producerPackets = new Map(
    await Promise.all(sources.map(async ({ producer }) => [producer.id, await statsTotal(producer, 'packetCount')] as const)),
  );
  const cpu = process.cpuUsage();
  return {
    at: Date.now(),
    workerCpuMs: usage.ru_utime + usage.ru_stime,
    benchCpuUs: cpu.user + cpu.system,
    producerPackets,
    sinkPackets: new Map(consumers.map(({ ssrc }) => [ssrc, sink.packetsOf(ssrc)])),
  };
}
