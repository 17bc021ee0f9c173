import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { VideoError, VideoErrorCode } from './errors.ts';
import type { MediaLogger } from './logger.ts';
import type { PeerInfo, ProducerInfo, RoomRole, VideoNotification } from './messages.ts';
import { Peer, type PeerCloseReason, type TransportSettings } from './peer.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Why a room was closed. */
export type RoomCloseReason = 'empty' | 'workerDied' | 'shutdown';

/** What Room.create needs. */
export interface RoomOptions {
  /** Room id: the mentorship id. */
  roomId: string;
  /** Where the room's router is created. */
  pool: WorkerPool;
  /** Transport listen settings for its peers. */
  transport: TransportSettings;
  /** Parent logger. */
  logger: MediaLogger;
}

/** A user's admission to a room, as decided by the access policy. */
export interface JoinRequest {
  /** Authenticated user id. */
  userId: string;
  /** How the user takes part. */
  as: RoomRole;
  /** Participant cap (host and participants; observers not counted). */
  maxParticipants: number;
  /** Whether this mentorship is one-to-one (one mentor, one student). */
  oneToOne: boolean;
  /** Sends a notification to the user's client. */
  notify: (message: VideoNotification) => void;
}

/** Outcome of Room.join. */
export interface Joined {
  /** The new peer. */
  peer: Peer;
  /** True exactly once per room: when a one-to-one room first holds its two participants. */
  oneToOneStarted: boolean;
}

/** Events of a Room. */
export interface RoomEvents {
  /** The room and its router are closed; every peer was closed with reason 'roomClosed'. */
  closed: [reason: RoomCloseReason];
}

/**
 * The video room of one mentorship session: one router on one worker, and its peers (one per user).
 * Closes when its last peer leaves or when its worker dies.
 */
export class Room extends EventEmitter<RoomEvents> {
  readonly #id: string;
  readonly #router: ms.Router;
  readonly #workerPid: number;
  readonly #transport: TransportSettings;
  readonly #logger: MediaLogger;
  readonly #peers = new Map<string, Peer>();
  readonly #removed = new Set<string>();
  #oneToOneStarted = false;
  #closed = false;

  private constructor(id: string, router: ms.Router, workerPid: number, options: RoomOptions) {
    super();
    this.#id = id;
    this.#router = router;
    this.#workerPid = workerPid;
    this.#transport = options.transport;
    this.#logger = options.logger.child({ roomId: id, workerPid });
    router.once('workerclose', () => this.close('workerDied'));
  }

  /** Creates the room's router on the least busy worker. */
  static async create(options: RoomOptions): Promise<Room> {
    const { router, workerPid } = await options.pool.createRouter({ roomId: options.roomId });
    const room = new Room(options.roomId, router, workerPid, options);
    room.#logger.info({}, 'video room opened');
    return room;
  }

  /** Room id (mentorship id). */
  get id(): string {
    return this.#id;
  }

  /** pid of the worker hosting the room. */
  get workerPid(): number {
    return this.#workerPid;
  }

  /** Whether the room is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The router's RTP capabilities. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  /** Number of peers (observers included). */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Consumers open in this room, over all peers. */
  get consumerCount(): number {
    let count = 0;
    for (const peer of this.#peers.values()) count += peer.consumerCount;
    return count;
  }

  /** The peers other than `exceptUserId`. */
  peerInfos(exceptUserId?: string): PeerInfo[] {
    return [...this.#peers.values()].filter((p) => p.userId !== exceptUserId).map((p) => ({ userId: p.userId, as: p.as }));
  }

  /** The producers of the peers other than `exceptUserId`. */
  producerInfos(exceptUserId?: string): ProducerInfo[] {
    return [...this.#peers.values()].filter((p) => p.userId !== exceptUserId).flatMap((p) => p.producerInfos());
  }

  /**
   * Admits a user. A user already in the room (another tab or device) is replaced: the old peer is
   * closed with 'joinedElsewhere'. Throws VIDEO_REMOVED for a user the host removed, VIDEO_ROOM_FULL
   * when a non-observer would exceed maxParticipants.
   */
  join(request: JoinRequest): Joined {
    if (this.#closed) throw new VideoError(VideoErrorCode.UNAVAILABLE, 'the room is closed');
    if (this.#removed.has(request.userId)) {
      throw new VideoError(VideoErrorCode.REMOVED, 'the host removed you from this session');
    }
    if (request.as !== 'observer' && this.#participantCount(request.userId) >= request.maxParticipants) {
      throw new VideoError(VideoErrorCode.ROOM_FULL, `the room is full (${request.maxParticipants} participants)`);
    }
    const previous = this.#peers.get(request.userId);
    const peer = Peer.create({
      userId: request.userId,
      as: request.as,
      roomId: this.#id,
      router: this.#router,
      transport: this.#transport,
      notify: request.notify,
      logger: this.#logger,
    });
    // NOTE: the new peer is registered before the old one closes, so the room never looks empty meanwhile.
    this.#peers.set(peer.userId, peer);
    peer.once('closed', (reason) => this.#onPeerClosed(peer, reason));
    previous?.close('joinedElsewhere');
    this.#broadcast(peer, { type: 'video.peerJoined', roomId: this.#id, peer: { userId: peer.userId, as: peer.as } });
    this.#logger.info({ userId: peer.userId, as: peer.as }, 'peer joined');
    const oneToOneStarted = request.oneToOne && !this.#oneToOneStarted && this.#participantCount() >= 2;
    if (oneToOneStarted) this.#oneToOneStarted = true;
    return { peer, oneToOneStarted };
  }

  /** The producer with this id and the peer that owns it, if any peer in the room owns it. */
  findProducer(producerId: string): { owner: Peer; producer: ms.Producer } | undefined {
    for (const owner of this.#peers.values()) {
      const producer = owner.producer(producerId);
      if (producer) return { owner, producer };
    }
    return undefined;
  }

  /** Tells the other peers about a new producer of `owner`. */
  announceProducer(owner: Peer, producer: ProducerInfo): void {
    this.#broadcast(owner, { type: 'video.newProducer', roomId: this.#id, producer });
  }

  /** Host only: pauses every producer of a participant and tells them. */
  async mute(host: Peer, userId: string): Promise<Peer> {
    const target = this.#hostTarget(host, userId);
    await target.pauseAllProducers();
    target.notify({ type: 'video.muted', roomId: this.#id, byUserId: host.userId });
    return target;
  }

  /** Host only: removes a participant, who cannot rejoin while this room lasts. */
  remove(host: Peer, userId: string): Peer {
    const target = this.#hostTarget(host, userId);
    this.#removed.add(userId);
    target.close('removedByHost');
    return target;
  }

  /** Closes every peer (reason 'roomClosed') and the router. Safe to call twice; emits `closed` once. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close('roomClosed');
    this.#router.close();
    this.#logger.info({ reason }, 'video room closed');
    this.emit('closed', reason);
  }

  #participantCount(exceptUserId?: string): number {
    return [...this.#peers.values()].filter((p) => p.as !== 'observer' && p.userId !== exceptUserId).length;
  }

  #hostTarget(host: Peer, userId: string): Peer {
    if (host.as !== 'host') throw new VideoError(VideoErrorCode.NOT_HOST, 'only the host can do this');
    const target = this.#peers.get(userId);
    if (!target || target.as !== 'participant') {
      throw new VideoError(VideoErrorCode.BAD_REQUEST, `no participant ${userId} in this room`);
    }
    return target;
  }

  #broadcast(from: Peer, message: VideoNotification): void {
    for (const peer of this.#peers.values()) if (peer !== from) peer.notify(message);
  }

  #onPeerClosed(peer: Peer, reason: PeerCloseReason): void {
    if (this.#peers.get(peer.userId) !== peer) return; // replaced by a newer peer of the same user
    this.#peers.delete(peer.userId);
    this.#logger.info({ userId: peer.userId, reason }, 'peer left');
    if (this.#closed) return;
    this.#broadcast(peer, { type: 'video.peerLeft', roomId: this.#id, userId: peer.userId });
    if (this.#peers.size === 0) this.close('empty');
  }
}
