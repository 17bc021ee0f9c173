import { availableParallelism } from 'node:os';
import type { types as ms } from 'mediasoup';

/** mediasoup worker log levels. */
export type WorkerLogLevel = ms.WorkerLogLevel;

/**
 * Settings of the media layer. The server maps its own validated config onto these
 * (suggested variables in brackets); every field has a default suited to a developer machine.
 */
export interface MediaConfig {
  /** mediasoup-worker binary [MEDIASOUP_WORKER_BIN]; default: resolveWorkerBinary(). */
  workerBin?: string;
  /** Number of mediasoup workers [MEDIA_WORKERS]; default: one per CPU core. */
  numWorkers?: number;
  /** Worker log level [MEDIA_LOG_LEVEL]; default 'warn'. */
  logLevel?: WorkerLogLevel;
  /** Lowest RTC (UDP/TCP) port [MEDIA_RTC_MIN_PORT]; default 40000. */
  rtcMinPort?: number;
  /** Highest RTC port [MEDIA_RTC_MAX_PORT]; default 49999. Each WebRTC transport uses one. */
  rtcMaxPort?: number;
  /** Local IP the transports listen on [MEDIA_LISTEN_IP]; default '127.0.0.1'. Use '0.0.0.0' behind NAT. */
  listenIp?: string;
  /** IP or host name announced to clients in ICE candidates [MEDIA_ANNOUNCED_ADDRESS]; default: listenIp. */
  announcedAddress?: string;
  /** A transport that has not connected (DTLS) within this many ms is closed [MEDIA_IDLE_TRANSPORT_MS]; default 30000. */
  idleTransportTimeoutMs?: number;
}

/** MediaConfig with every default applied except workerBin, which is resolved lazily. */
export type ResolvedMediaConfig = Required<Omit<MediaConfig, 'workerBin' | 'announcedAddress'>> &
  Pick<MediaConfig, 'workerBin' | 'announcedAddress'>;

/** Applies the defaults and rejects inconsistent values with a message naming the field. */
export function resolveMediaConfig(config: MediaConfig = {}): ResolvedMediaConfig {
  const resolved: ResolvedMediaConfig = {
    workerBin: config.workerBin,
    numWorkers: config.numWorkers ?? availableParallelism(),
    logLevel: config.logLevel ?? 'warn',
    rtcMinPort: config.rtcMinPort ?? 40000,
    rtcMaxPort: config.rtcMaxPort ?? 49999,
    listenIp: config.listenIp ?? '127.0.0.1',
    announcedAddress: config.announcedAddress,
    idleTransportTimeoutMs: config.idleTransportTimeoutMs ?? 30_000,
  };
  if (!Number.isInteger(resolved.numWorkers) || resolved.numWorkers < 1) {
    throw new RangeError(`media numWorkers must be a positive integer, got ${resolved.numWorkers}`);
  }
  const { rtcMinPort: min, rtcMaxPort: max } = resolved;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || min > max) {
    throw new RangeError(`media RTC port range must be within 1024-65535 with min <= max, got ${min}-${max}`);
  }
  if (resolved.idleTransportTimeoutMs <= 0) {
    throw new RangeError(`media idleTransportTimeoutMs must be positive, got ${resolved.idleTransportTimeoutMs}`);
  }
  return resolved;
}

/** Codecs every room's router offers: Opus audio, VP8 and H264 video (what browsers send by default). */
export const ROUTER_MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
