/**
 * Real RTP on loopback for media tests and benchmarks: a VP8 test pattern from ffmpeg into a
 * comedia PlainTransport producer, PlainTransport consumers sending to a counting UDP sink.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { types as ms } from 'mediasoup';

const VP8_PAYLOAD_TYPE = 101;

/** A producer fed by an ffmpeg VP8 test pattern. */
export interface FfmpegProducer {
  /** The mediasoup producer. */
  producer: ms.Producer;
  /** Its comedia PlainTransport. */
  transport: ms.PlainTransport;
  /** Stops ffmpeg and closes the transport. */
  close(): Promise<void>;
}

/** Options of startFfmpegProducer. */
export interface FfmpegProducerOptions {
  /** RTP SSRC ffmpeg uses (fixed, so the producer can declare it). */
  ssrc: number;
  /** Video bitrate in kbit/s; default 300. */
  bitrateKbps?: number;
  /** ffmpeg stops by itself after this many seconds, should its parent die without stopping it; default 600. */
  maxSeconds?: number;
  /**
   * A VP8 file from encodeTestPattern(), looped and sent as is: the send rate then holds on a busy
   * machine, where live encoding falls behind. Default: encode the test pattern live.
   */
  preEncoded?: string;
}

const TEST_PATTERN = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-an'];
// -g 15: a key frame every second, so consumers that join late decode quickly.
const vp8 = (bitrateKbps: number) => ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', `${bitrateKbps}k`, '-g', '15'];

/** Encodes `seconds` of the VP8 test pattern into a WebM file at `path` (for FfmpegProducerOptions.preEncoded). */
export async function encodeTestPattern(path: string, seconds: number, bitrateKbps = 300): Promise<string> {
  const ffmpeg = spawn('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...TEST_PATTERN, '-t', String(seconds), ...vp8(bitrateKbps), path], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(ffmpeg, 'exit');
  await spawned(ffmpeg);
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`ffmpeg could not encode the test pattern (exit ${code})`);
  return path;
}

/**
 * Creates a comedia PlainTransport on `router`, a VP8 producer on it, and starts
 * `ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=15 -c:v libvpx ... -f rtp` towards it
 * (or, with `preEncoded`, `ffmpeg -re -stream_loop -1 -i FILE -c:v copy ... -f rtp`).
 */
export async function startFfmpegProducer(router: ms.Router, options: FfmpegProducerOptions): Promise<FfmpegProducer> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: true,
  });
  const producer = await transport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PAYLOAD_TYPE, clockRate: 90000 }],
      encodings: [{ ssrc: options.ssrc }],
    },
  });
  const port = transport.tuple.localPort;
  const input = options.preEncoded ? ['-stream_loop', '-1', '-i', options.preEncoded, '-c:v', 'copy'] : [...TEST_PATTERN, ...vp8(options.bitrateKbps ?? 300)];
  // NOTE: -rtpflags skip_rtcp: ffmpeg sends RTCP from a second local port, and a comedia transport
  // locks onto the first source it hears: an early RTCP packet would make it ignore the RTP.
  const args = ['-nostdin', '-loglevel', 'error', '-re', ...input, '-t', String(options.maxSeconds ?? 600),
    '-ssrc', String(options.ssrc), '-payload_type', String(VP8_PAYLOAD_TYPE), '-rtpflags', 'skip_rtcp',
    '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=1200`];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await spawned(ffmpeg);
  return {
    producer,
    transport,
    async close() {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
        ffmpeg.kill('SIGKILL');
        await once(ffmpeg, 'exit');
      }
      transport.close();
    },
  };
}

async function spawned(child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`ffmpeg exited (${code ?? signal}): ${stderr}`);
  });
  try {
    await once(child, 'spawn'); // rejects with the spawn error, e.g. ENOENT
  } catch (error) {
    throw new Error(`cannot start ffmpeg (scripts/ensure-mediasoup-worker.sh --test-tools installs it): ${String(error)}`);
  }
}

/** A UDP socket on loopback counting the RTP packets it receives, per SSRC. */
export interface UdpSink {
  /** Port it listens on (127.0.0.1). */
  port: number;
  /** RTP packets received of an SSRC so far (0 if none). */
  packetsOf(ssrc: number): number;
  /** Stops listening. */
  close(): Promise<void>;
}

/** Opens a counting UDP sink on 127.0.0.1 with a large receive buffer. RTCP (muxed) is not counted. */
export async function openUdpSink(): Promise<UdpSink> {
  const socket: Socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  const bySsrc = new Map<number, number>();
  socket.on('message', (packet) => {
    if (packet.length < 12) return;
    const payloadType = (packet[1] ?? 0) & 0x7f;
    if (payloadType >= 64 && payloadType <= 95) return; // RTCP: packet types 200-207 (RFC 5761)
    const ssrc = packet.readUInt32BE(8);
    bySsrc.set(ssrc, (bySsrc.get(ssrc) ?? 0) + 1);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    port: socket.address().port,
    packetsOf: (ssrc) => bySsrc.get(ssrc) ?? 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A consumer on its own PlainTransport, sending RTP to a UDP sink. */
export interface PlainConsumer {
  /** The mediasoup consumer (not paused). */
  consumer: ms.Consumer;
  /** Its PlainTransport. */
  transport: ms.PlainTransport;
  /** The SSRC of the consumer's RTP stream, as the sink sees it. */
  ssrc: number;
}

/** Consumes `producer` on a new PlainTransport connected to `sinkPort` on loopback. */
export async function consumeToSink(router: ms.Router, producer: ms.Producer, sinkPort: number): Promise<PlainConsumer> {
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: sinkPort });
  const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error('the consumer has no SSRC');
  return { consumer, transport, ssrc };
}

/** Sum of a stats field over the RTP streams of a producer's or consumer's getStats(). */
export async function statsTotal(
  source: { getStats(): Promise<Array<{ byteCount: number; packetCount: number }>> },
  field: 'byteCount' | 'packetCount',
): Promise<number> {
  return (await source.getStats()).reduce((sum, stat) => sum + stat[field], 0);
}
