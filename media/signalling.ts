/**
 * Video signalling core: the seam between Trellis' server and its SFU. Transport-free (no Fastify).
 *
 * How the server wires it:
 * ```ts
 * // one per node, created by the server's SFU plugin at start-up and closed in its onClose hook:
 * const video = await VideoService.create({
 *   ...mediaConfig,   // MediaConfig: workerBin, numWorkers, logLevel, rtcMinPort, rtcMaxPort, listenIp, announcedAddress...
 *   access,           // VideoAccess, backed by the database: decide(userId, roomId)
 *   audit,            // (event: VideoAuditEvent) => void, written to the audit log
 *   logger,           // fastify.log
 * });
 * // per authenticated socket:
 * const session = video.attach({ userId, role, send: (msg) => socket.send(JSON.stringify(msg)) });
 * await session.handle(message); // a JSON-parsed object whose `type` starts with 'video.'
 * session.close();               // on socket close: leaves the room
 * // on shutdown:
 * video.close();
 * ```
 * Messages: see messages.ts. Error codes: see errors.ts. Policy (decided here, not by the server):
 * observers never produce; host + participants are capped at `maxParticipants`; only the host mutes or
 * removes participants; every join, refusal, leave, produce, mute and removal is audited.
 */
import { EventEmitter } from 'node:events';
import type { VideoAccess, VideoAudit } from './access.ts';
import { resolveMediaConfig, type MediaConfig } from './config.ts';
import type { MediaLogger } from './logger.ts';
import { RoomRegistry, type RoomSnapshot } from './room-registry.ts';
import { VideoSession, type SessionIdentity } from './video-session.ts';
import { WorkerPool } from './worker-pool.ts';

/** Options of VideoService.create: the media settings plus the server's policy, audit and logger. */
export interface VideoServiceOptions extends MediaConfig {
  /** Who may join which room, as what. */
  access: VideoAccess;
  /** Receives every audit event. */
  audit: VideoAudit;
  /** The server's logger (pino / fastify.log). */
  logger: MediaLogger;
}

/** Workers and rooms of a VideoService, for health checks and metrics. */
export interface VideoSnapshot {
  /** pids of the live mediasoup workers. */
  workerPids: number[];
  /** Open rooms. */
  rooms: RoomSnapshot[];
}

/** Events of a VideoService. */
export interface VideoServiceEvents {
  /** A worker died; its rooms were closed and their users told (video.removed, reason roomClosed). */
  workerDied: [pid: number];
  /** A dead worker has been replaced. */
  workerReplaced: [deadPid: number, newPid: number];
  /** The service was closed. */
  closed: [];
}

/** The video service of one server node: a worker pool, its rooms, and one VideoSession per socket. */
export class VideoService extends EventEmitter<VideoServiceEvents> {
  readonly #pool: WorkerPool;
  readonly #rooms: RoomRegistry;
  readonly #options: VideoServiceOptions;
  #closed = false;

  private constructor(pool: WorkerPool, rooms: RoomRegistry, options: VideoServiceOptions) {
    super();
    this.#pool = pool;
    this.#rooms = rooms;
    this.#options = options;
    pool.on('workerDied', (pid) => this.emit('workerDied', pid));
    pool.on('workerReplaced', (deadPid, newPid) => this.emit('workerReplaced', deadPid, newPid));
  }

  /** Starts the workers. Rejects if the worker binary is missing (naming the script that builds it) or fails. */
  static async create(options: VideoServiceOptions): Promise<VideoService> {
    const config = resolveMediaConfig(options);
    const logger = options.logger.child({ component: 'video' });
    const pool = await WorkerPool.create({ ...config, logger });
    const rooms = new RoomRegistry(pool, config, logger);
    return new VideoService(pool, rooms, { ...options, logger });
  }

  /** Starts the video side of one authenticated socket. */
  attach(identity: SessionIdentity): VideoSession {
    if (this.#closed) throw new Error('VideoService is closed');
    const { access, audit, logger } = this.#options;
    return new VideoSession(identity, { rooms: this.#rooms, access, audit, logger });
  }

  /** Live workers and open rooms. */
  snapshot(): VideoSnapshot {
    return { workerPids: this.#pool.workerPids, rooms: this.#rooms.snapshot() };
  }

  /** Closes every room (users get video.removed) and stops the workers. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rooms.closeAll();
    this.#pool.close();
    this.emit('closed');
  }
}
