import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { VideoError, VideoErrorCode } from './errors.ts';
import type { MediaLogger } from './logger.ts';
import type { ConsumeResult, ProducerInfo, RoomRole, TransportResult, VideoNotification } from './messages.ts';

/** Why a peer was closed. */
export type PeerCloseReason = 'left' | 'disconnected' | 'removedByHost' | 'roomClosed' | 'joinedElsewhere';

/** Where and how a peer's WebRTC transports listen. */
export interface TransportSettings {
  /** Local IP the transports listen on. */
  listenIp: string;
  /** Address announced to clients in ICE candidates (default: listenIp). */
  announcedAddress?: string;
  /** A transport that has not connected within this many ms is closed. */
  idleTransportTimeoutMs: number;
}

/** What Peer.create needs. */
export interface PeerOptions {
  /** Authenticated user id (never taken from the client's messages). */
  userId: string;
  /** How the user takes part, from the access decision. */
  as: RoomRole;
  /** Room id, for notifications. */
  roomId: string;
  /** The room's router. */
  router: ms.Router;
  /** Transport listen settings. */
  transport: TransportSettings;
  /** Sends a notification to this peer's client; must not throw. */
  notify: (message: VideoNotification) => void;
  /** Logger bound to the room. */
  logger: MediaLogger;
}

/** Events of a Peer. */
export interface PeerEvents {
  /** The peer is closed; its transports, producers and consumers are closed. */
  closed: [reason: PeerCloseReason];
}

type Direction = 'send' | 'recv';
const MAX_PRODUCERS = 4;

/**
 * One participant of a room: its WebRTC transports (at most one per direction), producers and consumers.
 * Closed children are dropped. A transport that never connects is closed after the idle timeout.
 */
export class Peer extends EventEmitter<PeerEvents> {
  readonly #options: PeerOptions;
  readonly #transports = new Map<string, ms.WebRtcTransport>();
  readonly #producers = new Map<string, ms.Producer>();
  readonly #consumers = new Map<string, ms.Consumer>();
  #closed = false;

  private constructor(options: PeerOptions) {
    super();
    this.#options = options;
  }

  /** Creates a peer. Synchronous unlike Room.create: a peer owns nothing until it asks for a transport. */
  static create(options: PeerOptions): Peer {
    return new Peer(options);
  }

  /** Authenticated user id. */
  get userId(): string {
    return this.#options.userId;
  }

  /** How the user takes part. */
  get as(): RoomRole {
    return this.#options.as;
  }

  /** Whether the peer is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** This peer's producers as others see them. */
  producerInfos(): ProducerInfo[] {
    return [...this.#producers.values()].map((producer) => this.#producerInfo(producer));
  }

  /** Sends a notification to the client, unless the peer is closed. */
  notify(message: VideoNotification): void {
    if (!this.#closed) this.#options.notify(message);
  }

  /** Creates a WebRTC transport; observers get no send transport. */
  async createTransport(direction: Direction): Promise<TransportResult> {
    if (direction === 'send') this.#assertMaySend();
    if ([...this.#transports.values()].some((t) => t.appData.direction === direction)) {
      throw new VideoError(VideoErrorCode.BAD_REQUEST, `a ${direction} transport already exists`);
    }
    const { listenIp, announcedAddress, idleTransportTimeoutMs } = this.#options.transport;
    const listen = announcedAddress ? { ip: listenIp, announcedAddress } : { ip: listenIp };
    const transport = await this.#options.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
      preferUdp: true,
      appData: { direction },
    });
    if (this.#closed) {
      transport.close();
      throw new VideoError(VideoErrorCode.NOT_JOINED, 'left the room');
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    const idle = setTimeout(() => {
      this.#options.logger.warn({ userId: this.userId, transportId: transport.id }, 'closing a transport that never connected');
      transport.close();
    }, idleTransportTimeoutMs);
    idle.unref();
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected') clearTimeout(idle);
    });
    transport.observer.once('close', () => clearTimeout(idle));
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /** Completes DTLS set-up of one of this peer's transports. */
  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    await this.#transport(transportId).connect({ dtlsParameters });
  }

  /** Starts a producer on this peer's send transport. */
  async produce(transportId: string, kind: ms.MediaKind, rtpParameters: ms.RtpParameters): Promise<ProducerInfo> {
    this.#assertMaySend();
    const transport = this.#transport(transportId, 'send');
    if (this.#producers.size >= MAX_PRODUCERS) {
      throw new VideoError(VideoErrorCode.BAD_REQUEST, `at most ${MAX_PRODUCERS} producers per peer`);
    }
    const producer = await transport.produce({ kind, rtpParameters });
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
    return this.#producerInfo(producer);
  }

  /** Consumes another peer's producer on this peer's recv transport, paused until resumeConsumer(). */
  async consume(transportId: string, producer: ms.Producer, rtpCapabilities: ms.RtpCapabilities): Promise<ConsumeResult> {
    const transport = this.#transport(transportId, 'recv');
    if (!this.#options.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new VideoError(VideoErrorCode.BAD_REQUEST, 'these RTP capabilities cannot consume that producer');
    }
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      this.notify({ type: 'video.producerClosed', roomId: this.#options.roomId, producerId: producer.id, consumerId: consumer.id });
    });
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  /** Number of open consumers (streams this peer receives). */
  get consumerCount(): number {
    return this.#consumers.size;
  }

  /** Starts the flow of one of this peer's consumers. */
  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new VideoError(VideoErrorCode.BAD_REQUEST, `no consumer ${consumerId}`);
    await consumer.resume();
  }

  /** One of this peer's producers, or undefined. */
  producer(producerId: string): ms.Producer | undefined {
    return this.#producers.get(producerId);
  }

  /** One of this peer's producers; throws VIDEO_BAD_REQUEST if it has none with that id. */
  ownProducer(producerId: string): ms.Producer {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new VideoError(VideoErrorCode.BAD_REQUEST, `no producer ${producerId} of yours`);
    return producer;
  }

  /** Pauses every producer of this peer (the host's mute). */
  async pauseAllProducers(): Promise<void> {
    await Promise.all([...this.#producers.values()].map((producer) => producer.pause()));
  }

  /** Closes the peer and everything it owns. Safe to call twice; emits `closed` once. */
  close(reason: PeerCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports.values()) transport.close();
    this.emit('closed', reason);
  }

  #assertMaySend(): void {
    if (this.as === 'observer') {
      throw new VideoError(VideoErrorCode.OBSERVER_CANNOT_PRODUCE, 'observers receive media but cannot send any');
    }
  }

  #transport(transportId: string, direction?: Direction): ms.WebRtcTransport {
    const transport = this.#transports.get(transportId);
    if (!transport || (direction && transport.appData.direction !== direction)) {
      const what = direction ? `${direction} transport` : 'transport';
      throw new VideoError(VideoErrorCode.BAD_REQUEST, `no ${what} ${transportId} of yours`);
    }
    return transport;
  }

  #producerInfo(producer: ms.Producer): ProducerInfo {
    return { producerId: producer.id, userId: this.userId, kind: producer.kind, paused: producer.paused };
  }
}
