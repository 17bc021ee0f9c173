import t from 'tap';
import { eventually } from '../testing/eventually.ts';
import { consumeToSink, openUdpSink, startFfmpegProducer, statsTotal } from '../testing/rtp.ts';
import { WorkerPool } from '../worker-pool.ts';
import { silentLogger } from './helpers.ts';

t.test('a router forwards real VP8 RTP from an ffmpeg producer to a consumer', async (t) => {
  const pool = await WorkerPool.create({ numWorkers: 1, logLevel: 'warn', logger: silentLogger });
  t.teardown(() => pool.close());
  const { router } = await pool.createRouter();
  const source = await startFfmpegProducer(router, { ssrc: 11112222 });
  t.teardown(() => source.close());
  const sink = await openUdpSink();
  t.teardown(() => sink.close());
  const { consumer, ssrc } = await consumeToSink(router, source.producer, sink.port);

  await eventually('the producer to receive RTP', async () => (await statsTotal(source.producer, 'byteCount')) > 10_000, { timeoutMs: 15_000 });
  const sentBefore = await statsTotal(consumer, 'byteCount');
  await eventually('the consumer byte counter to rise', async () => (await statsTotal(consumer, 'byteCount')) > sentBefore + 10_000);
  await eventually('the sink to receive the consumer\'s packets', () => sink.packetsOf(ssrc) > 20);
  t.equal(consumer.kind, 'video');
  t.equal(consumer.rtpParameters.codecs[0]?.mimeType, 'video/VP8');
  t.not(ssrc, 11112222, 'the SFU rewrites the SSRC');
});
