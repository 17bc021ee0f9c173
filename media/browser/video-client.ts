/**
 * A browser client of Trellis' video signalling over the Trellis socket, built on mediasoup-client.
 * Used by the end-to-end test page (test-page.ts); it is also the reference for the web app.
 */
import { Device, type types as msc } from 'mediasoup-client';
import type { VideoNotification, VideoRequest, VideoResults, VideoServerMessage } from '../messages.ts';

type Body<K extends VideoRequest['type']> = Omit<Extract<VideoRequest, { type: K }>, 'type' | 'requestId'>;

/** A request the server answered with an error; `code` is a stable VIDEO_* code. */
export class VideoRequestError extends Error {
  /** The stable error code. */
  readonly code: string;

  /** @param code stable code; @param message server's message. */
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** A remote producer this client receives. */
export interface RemoteTrack {
  /** Owner of the producer. */
  userId: string;
  /** The mediasoup-client consumer. */
  consumer: msc.Consumer;
}

/** One user's video connection: a Trellis socket, a mediasoup-client Device and its transports. */
export class TrellisVideoClient {
  readonly #socket: WebSocket;
  readonly #pending = new Map<string, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  readonly #device = new Device();
  readonly #remote = new Map<string, RemoteTrack>();
  /** Every notification received, in order. */
  readonly notifications: VideoNotification[] = [];
  /** Failures of background work (consuming announced producers). */
  readonly errors: string[] = [];
  #nextId = 1;
  #recv: Promise<msc.Transport> | undefined;
  #send: msc.Transport | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => this.#onMessage(JSON.parse(String(event.data)) as VideoServerMessage));
  }

  /** Opens the Trellis socket (`url` includes the token) and waits for the server's hello. */
  static async connect(url: string): Promise<TrellisVideoClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('message', function hello(event) {
        if ((JSON.parse(String(event.data)) as { type?: string }).type !== 'hello') return;
        socket.removeEventListener('message', hello);
        resolve();
      });
      socket.addEventListener('close', (event) => reject(new Error(`socket closed (${event.code} ${event.reason})`)));
    });
    return new TrellisVideoClient(socket);
  }

  /** Receivers of the other peers' producers, by producer id. */
  get remote(): ReadonlyMap<string, RemoteTrack> {
    return this.#remote;
  }

  /** Sends one request and resolves with its data, or rejects with a VideoRequestError. */
  request<K extends VideoRequest['type']>(type: K, body: Body<K>): Promise<VideoResults[K]> {
    const requestId = `c${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      // The server answers a K request with VideoResults[K] (see media/messages.ts).
      this.#pending.set(requestId, { resolve: (data) => resolve(data as VideoResults[K]), reject });
      this.#socket.send(JSON.stringify({ type, requestId, ...body }));
    });
  }

  /**
   * Joins a room, then receives every other peer's producers (present and future). With `camera`,
   * also sends its tracks. Resolves with the role the server gave.
   */
  async join(roomId: string, camera?: MediaStream): Promise<VideoResults['video.join']> {
    const joined = await this.request('video.join', { roomId });
    // NOTE: set at once, before the device loads: a producer announced meanwhile (another peer
    // joining at the same time) waits for the receiving transport instead of being dropped.
    this.#recv = this.#device.load({ routerRtpCapabilities: joined.rtpCapabilities }).then(() => this.#createTransport('recv'));
    await this.#recv;
    for (const producer of joined.producers) await this.#consume(producer.producerId, producer.userId);
    for (const track of camera?.getTracks() ?? []) await this.produce(track);
    return joined;
  }

  /** Sends a track, creating the send transport on first use. */
  async produce(track: MediaStreamTrack): Promise<msc.Producer> {
    this.#send ??= await this.#createTransport('send');
    return this.#send.produce({ track });
  }

  /** Closes the socket. */
  close(): void {
    this.#socket.close();
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<msc.Transport> {
    const { transportId, iceParameters, iceCandidates, dtlsParameters } = await this.request('video.createTransport', { direction });
    const options = { id: transportId, iceParameters, iceCandidates, dtlsParameters };
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters: client }, callback, errback) => {
      this.request('video.connectTransport', { transportId, dtlsParameters: client }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      // mediasoup-client's and mediasoup's RtpParameters are the same JSON, typed slightly differently.
      const wire = rtpParameters as Body<'video.produce'>['rtpParameters'];
      this.request('video.produce', { transportId, kind, rtpParameters: wire }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    return transport;
  }

  async #consume(producerId: string, userId: string): Promise<void> {
    const recv = await this.#recv;
    if (!recv) return;
    // Same JSON as mediasoup's RtpCapabilities, typed slightly differently.
    const rtpCapabilities = this.#device.rtpCapabilities as Body<'video.consume'>['rtpCapabilities'];
    const data = await this.request('video.consume', { transportId: recv.id, producerId, rtpCapabilities });
    const consumer = await recv.consume({ id: data.consumerId, producerId, kind: data.kind, rtpParameters: data.rtpParameters });
    this.#remote.set(producerId, { userId, consumer });
    await this.request('video.resumeConsumer', { consumerId: data.consumerId });
  }

  #onMessage(message: VideoServerMessage): void {
    if (message.type === 'video.response') {
      const pending = message.requestId === null ? undefined : this.#pending.get(String(message.requestId));
      if (!pending) return;
      this.#pending.delete(String(message.requestId));
      if (message.ok) pending.resolve(message.data);
      else pending.reject(new VideoRequestError(message.error.code, message.error.message));
      return;
    }
    if (!message.type.startsWith('video.')) return; // other Trellis frames (messaging) share the socket
    this.notifications.push(message);
    if (message.type === 'video.newProducer') {
      this.#consume(message.producer.producerId, message.producer.userId).catch((error: unknown) => {
        this.errors.push(`consume ${message.producer.producerId}: ${String(error)}`);
      });
    } else if (message.type === 'video.producerClosed') {
      this.#remote.get(message.producerId)?.consumer.close();
      this.#remote.delete(message.producerId);
    }
  }
}
