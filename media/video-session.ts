import type { UserRole, VideoAccess, VideoAudit, VideoAuditEvent } from './access.ts';
import { VideoError, VideoErrorCode } from './errors.ts';
import type { MediaLogger } from './logger.ts';
import type { VideoRequest, VideoServerMessage } from './messages.ts';
import type { Peer, PeerCloseReason } from './peer.ts';
import { parseVideoRequest, requestIdOf } from './request-parser.ts';
import type { Room } from './room.ts';
import type { RoomRegistry } from './room-registry.ts';

/** The authenticated user behind one socket, and how to reach it. */
export interface SessionIdentity {
  /** Authenticated user id. */
  userId: string;
  /** Trellis role of the user. */
  role: UserRole;
  /** Sends one message to the socket (the server JSON-encodes it); must not throw. */
  send: (message: VideoServerMessage) => void;
}

/** What a VideoSession needs from its VideoService. */
export interface SessionContext {
  /** Open rooms. */
  rooms: RoomRegistry;
  /** Access policy. */
  access: VideoAccess;
  /** Audit sink. */
  audit: VideoAudit;
  /** Logger. */
  logger: MediaLogger;
}

type Distribute<T> = T extends unknown ? Omit<T, 'at' | 'role' | 'userId' | 'roomId'> : never;

/**
 * The video side of one authenticated socket: at most one joined room at a time. Requests are handled
 * one after another in arrival order, each answered by exactly one `video.response`.
 */
export class VideoSession {
  readonly #identity: SessionIdentity;
  readonly #context: SessionContext;
  readonly #logger: MediaLogger;
  #queue: Promise<void> = Promise.resolve();
  #joined: { room: Room; peer: Peer } | undefined;
  #closed = false;

  /** Use VideoService.attach(). */
  constructor(identity: SessionIdentity, context: SessionContext) {
    this.#identity = identity;
    this.#context = context;
    this.#logger = context.logger.child({ userId: identity.userId });
  }

  /**
   * Handles one already JSON-parsed message whose type starts with 'video.'. Never rejects: every
   * outcome, errors included, is sent as a `video.response` echoing the requestId.
   */
  handle(message: unknown): Promise<void> {
    // NOTE: serialised, so a client may pipeline createTransport, produce... without awaiting replies.
    this.#queue = this.#queue.then(() => this.#handleOne(message));
    return this.#queue;
  }

  /** Leaves the joined room (reason 'disconnected'); later messages are ignored. Safe to call twice. */
  close(): void {
    this.#closed = true;
    this.#joined?.peer.close('disconnected');
  }

  async #handleOne(message: unknown): Promise<void> {
    if (this.#closed) return;
    const requestId = requestIdOf(message);
    try {
      const data = await this.#dispatch(parseVideoRequest(message));
      this.#identity.send({ type: 'video.response', requestId, ok: true, data: data ?? {} });
    } catch (error) {
      this.#identity.send({ type: 'video.response', requestId, ok: false, error: this.#publicError(error, message) });
    }
  }

  async #dispatch(request: VideoRequest): Promise<unknown> {
    switch (request.type) {
      case 'video.join':
        return this.#join(request.roomId);
      case 'video.leave':
        return this.#peer().close('left');
      case 'video.getRouterRtpCapabilities':
        return { rtpCapabilities: this.#room().rtpCapabilities };
      case 'video.createTransport':
        return this.#peer().createTransport(request.direction);
      case 'video.connectTransport':
        return this.#peer().connectTransport(request.transportId, request.dtlsParameters);
      case 'video.produce': {
        const peer = this.#peer();
        const producer = await peer.produce(request.transportId, request.kind, request.rtpParameters);
        this.#room().announceProducer(peer, producer);
        this.#audit({ type: 'video.produced', producerId: producer.producerId, kind: producer.kind });
        return { producerId: producer.producerId };
      }
      case 'video.consume': {
        const found = this.#room().findProducer(request.producerId);
        if (!found || found.owner === this.#peer()) {
          throw new VideoError(VideoErrorCode.BAD_REQUEST, `no producer ${request.producerId} of another peer`);
        }
        return this.#peer().consume(request.transportId, found.producer, request.rtpCapabilities);
      }
      case 'video.resumeConsumer':
        return this.#peer().resumeConsumer(request.consumerId);
      case 'video.pauseProducer':
        return this.#peer().ownProducer(request.producerId).pause();
      case 'video.resumeProducer':
        return this.#peer().ownProducer(request.producerId).resume();
      case 'video.closeProducer':
        return this.#peer().ownProducer(request.producerId).close();
      case 'video.muteParticipant': {
        await this.#room().mute(this.#peer(), request.userId);
        this.#audit({ type: 'video.participantMuted', targetUserId: request.userId });
        return undefined;
      }
      case 'video.removeParticipant': {
        // The removed user's own session audits its 'video.left' (reason removedByHost).
        this.#room().remove(this.#peer(), request.userId);
        this.#audit({ type: 'video.participantRemoved', targetUserId: request.userId });
        return undefined;
      }
      default: {
        const unhandled: never = request;
        throw new Error(`unhandled video request ${JSON.stringify(unhandled)}`);
      }
    }
  }

  async #join(roomId: string): Promise<unknown> {
    if (this.#joined) throw new VideoError(VideoErrorCode.ALREADY_JOINED, `already in room ${this.#joined.room.id}; leave it first`);
    const { userId, role } = this.#identity;
    const decision = await this.#context.access.decide(userId, roomId);
    if (!decision.allowed) {
      this.#audit({ type: 'video.refused', code: decision.code }, roomId);
      throw new VideoError(decision.code, 'you may not join this video session');
    }
    const { room, peer, oneToOneStarted } = await this.#context.rooms.join(roomId, {
      userId,
      as: decision.as,
      maxParticipants: decision.maxParticipants,
      oneToOne: decision.oneToOne,
      notify: (message) => this.#identity.send(message),
    });
    this.#joined = { room, peer };
    peer.once('closed', (reason) => this.#onPeerClosed(room, reason));
    this.#audit({ type: 'video.joined', as: decision.as });
    if (oneToOneStarted) {
      const participantUserIds = [userId, ...room.peerInfos(userId).filter((p) => p.as !== 'observer').map((p) => p.userId)];
      this.#audit({ type: 'video.oneToOneStarted', participantUserIds });
    }
    if (this.#closed) peer.close('disconnected'); // the socket closed while the join was in flight
    return { as: decision.as, rtpCapabilities: room.rtpCapabilities, peers: room.peerInfos(userId), producers: room.producerInfos(userId) };
  }

  #onPeerClosed(room: Room, reason: PeerCloseReason): void {
    this.#joined = undefined;
    this.#audit({ type: 'video.left', reason }, room.id);
    if (reason !== 'left' && reason !== 'disconnected') {
      this.#identity.send({ type: 'video.removed', roomId: room.id, reason });
    }
  }

  #room(): Room {
    if (!this.#joined) throw new VideoError(VideoErrorCode.NOT_JOINED, 'join a room first');
    return this.#joined.room;
  }

  #peer(): Peer {
    if (!this.#joined) throw new VideoError(VideoErrorCode.NOT_JOINED, 'join a room first');
    return this.#joined.peer;
  }

  #audit(event: Distribute<VideoAuditEvent>, roomId = this.#room().id): void {
    const { userId, role } = this.#identity;
    // TypeScript cannot see that re-adding the omitted fields to each member of the distributed union
    // gives back VideoAuditEvent; it does, by construction of Distribute.
    this.#context.audit({ ...event, roomId, userId, role, at: new Date() } as VideoAuditEvent);
  }

  #publicError(error: unknown, message: unknown): { code: string; message: string } {
    if (error instanceof VideoError) return { code: error.code, message: error.message };
    // mediasoup rejects invalid parameters (RTP, DTLS) with a TypeError whose message is safe to show.
    if (error instanceof TypeError) return { code: VideoErrorCode.BAD_REQUEST, message: error.message };
    const type = typeof message === 'object' && message !== null && 'type' in message ? message.type : undefined;
    this.#logger.error({ err: error, type }, 'video request failed');
    return { code: VideoErrorCode.INTERNAL, message: 'internal error' };
  }
}
