/**
 * One authenticated WebSocket, transport-free: the route adapts a real socket to `ClientSocket` and
 * feeds frames in. Handles validation, rate limits, sends, resumption in sequence order, typing,
 * read markers and video signalling.
 */
import { CloseCode, TrellisError } from '../errors.ts';
import type { MessageService } from '../messaging/message-service.ts';
import type { TrellisMetrics } from '../metrics/metrics.ts';
import type { MessageFrame } from '../messaging/message-view.ts';
import type { AuthUser } from '../repositories/users.ts';
import type { Hub, HubConnection } from './hub.ts';
import { parseClientFrame, type ClientFrame, type ServerFrame } from './protocol.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** The transport a connection writes to. */
export interface ClientSocket {
  /** Sends a text frame: its text, or the text's UTF-8 bytes. */
  send(text: string | Buffer): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet sent. */
  readonly bufferedAmount: number;
}

/** The video signalling core as the connection sees it. */
export interface VideoGateway {
  attach(peer: { userId: string; role: AuthUser['role']; send(message: object): void }): {
    handle(message: object): Promise<void>;
    close(): void;
  };
}

/** The logging a connection does (pino's signature). */
export interface ConnectionLogger {
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** What a connection needs from its node. */
export interface ConnectionDeps {
  hub: Hub;
  messages: MessageService;
  rateLimiter: RateLimiter;
  log: ConnectionLogger;
  nodeId: string;
  maxFrameBytes: number;
  maxBadFramesPerMinute: number;
  /** Conversations a user belongs to, with their last sequence numbers. */
  listConversations(userId: string): Promise<{ conversationId: string; lastSeq: number }[]>;
  video?: VideoGateway;
  /** Counts frames in and out, when the node exports metrics. */
  metrics?: TrellisMetrics;
}

/** A slow reader with this much unsent data is disconnected rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Messages fetched per query when catching up. */
const CATCH_UP_PAGE = 500;
/**
 * How long a message that arrived ahead of a gap waits for the missing ones before the gap is filled
 * from the database. Sends of one conversation commit in sequence order but publish concurrently, so
 * the bus often brings seq n+1 just before n; querying at once cost every recipient socket a history
 * query per reordering, which under load cost more than the sends themselves.
 */
const GAP_WAIT_MS = 100;

/** One client socket of an authenticated user. */
export class Connection implements HubConnection {
  readonly userId: string;
  readonly role: AuthUser['role'];
  readonly programId: string | null;
  readonly #user: AuthUser;
  readonly #socket: ClientSocket;
  readonly #deps: ConnectionDeps;
  /** Highest sequence delivered (or known invisible) per followed conversation. */
  readonly #cursor = new Map<string, number>();
  /** Messages that arrived ahead of a gap, per conversation, by sequence number. */
  readonly #early = new Map<string, Map<number, MessageFrame>>();
  /** Per-conversation delivery chains, so frames of one conversation go out in order. */
  readonly #deliveries = new Map<string, Promise<void>>();
  /** Sends not answered yet (see `#handle`); `drain` waits for them. */
  readonly #unanswered = new Set<Promise<void>>();
  /** Frames wait for `start()` so that they see the user's conversations. */
  #started: Promise<void> = Promise.resolve();
  #badFrames: number[] = [];
  #video: ReturnType<VideoGateway['attach']> | null = null;
  #closed = false;

  constructor(socket: ClientSocket, user: AuthUser, deps: ConnectionDeps) {
    this.#socket = socket;
    this.#user = user;
    this.#deps = deps;
    this.userId = user.id;
    this.role = user.role;
    this.programId = user.programId;
  }

  get conversationIds(): ReadonlySet<string> {
    return new Set(this.#cursor.keys());
  }

  /** Loads the user's conversations, registers with the hub and greets the client. */
  start(): Promise<void> {
    this.#started = this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const conversations = await this.#deps.listConversations(this.userId);
    if (this.#closed) return;
    for (const { conversationId, lastSeq } of conversations) this.#cursor.set(conversationId, lastSeq);
    this.#deps.hub.register(this);
    this.send({ type: 'hello', userId: this.userId, node: this.#deps.nodeId, conversations });
  }

  /** Handles one incoming frame. Never throws: problems become error frames. */
  onFrame(data: Buffer | string, isBinary: boolean): void {
    void this.#started.then(() => this.#onFrame(data, isBinary));
  }

  #onFrame(data: Buffer | string, isBinary: boolean): void {
    if (this.#closed) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (size > this.#deps.maxFrameBytes) return this.#refuse('FRAME_TOO_LARGE', `Frames are at most ${this.#deps.maxFrameBytes} bytes`);
    if (isBinary) return this.#refuse('BAD_REQUEST', 'Frames are JSON text');
    const parsed = parseClientFrame(data.toString());
    this.#deps.metrics?.framesIn.inc({ type: parsed.ok ? parsed.frame.type : 'invalid' });
    if (!parsed.ok) return this.#refuse(parsed.code, parsed.reason, { requestId: parsed.requestId });
    if (parsed.frame.type.startsWith('video.')) return this.#handleVideo(parsed.frame);
    this.#handle(parsed.frame as ClientFrame);
  }

  /** Leaves the hub and any video room. Safe to call twice. */
  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deps.hub.unregister(this);
    this.#video?.close();
  }

  send(frame: ServerFrame | { type: string; [field: string]: unknown }): void {
    this.#write(JSON.stringify(frame));
  }

  /** Writes a serialised frame (text or its UTF-8 bytes), unless the client stopped reading. */
  #write(text: string | Buffer): void {
    if (this.#closed) return;
    if (this.#socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CloseCode.SLOW_CONSUMER, 'too much unread data');
      return;
    }
    this.#socket.send(text);
  }

  /** Lets sends in flight finish, then closes with the shutdown code so the client reconnects elsewhere. */
  async drain(): Promise<void> {
    await Promise.all(this.#unanswered);
    this.close(CloseCode.SHUTDOWN, 'server shutting down');
  }

  close(code: number, reason: string): void {
    this.#socket.close(code, reason);
    this.onClose();
  }

  follow(conversationId: string): void {
    if (this.#cursor.has(conversationId)) return;
    this.#cursor.set(conversationId, 0);
    this.#deps.hub.followed(this, conversationId);
    this.send({ type: 'conversation.added', conversationId });
    this.#enqueue(conversationId, () => this.#catchUp(conversationId));
  }

  deliverMessage(frame: MessageFrame, released: boolean): void {
    const { conversationId, seq } = frame.message;
    this.#enqueue(conversationId, () => {
      const cursor = this.#cursor.get(conversationId) ?? 0;
      if (released && seq <= cursor) return this.#sendVisible(frame);
      if (seq <= cursor) return;
      if (seq > cursor + 1) return this.#holdEarly(frame);
      this.#sendVisible(frame);
      this.#cursor.set(conversationId, seq);
      this.#flushEarly(conversationId);
    });
  }

  /** Keeps a message that arrived ahead of a gap; the gap is filled from the database if it stays open. */
  #holdEarly(frame: MessageFrame): void {
    const { conversationId } = frame.message;
    let early = this.#early.get(conversationId);
    if (!early) {
      this.#early.set(conversationId, (early = new Map()));
      setTimeout(() => this.#enqueue(conversationId, () => this.#fillGap(conversationId)), GAP_WAIT_MS).unref();
    }
    early.set(frame.message.seq, frame);
  }

  /** Sends held messages that now follow the cursor, and forgets those at or below it. */
  #flushEarly(conversationId: string): void {
    const early = this.#early.get(conversationId);
    if (!early) return;
    for (let next = early.get((this.#cursor.get(conversationId) ?? 0) + 1); next; next = early.get(next.message.seq + 1)) {
      this.#sendVisible(next);
      this.#cursor.set(conversationId, next.message.seq);
    }
    const cursor = this.#cursor.get(conversationId) ?? 0;
    for (const seq of early.keys()) if (seq <= cursor) early.delete(seq);
    if (early.size === 0) this.#early.delete(conversationId);
  }

  /** The wait is over and a gap remains: catch up from the database past every held message. */
  async #fillGap(conversationId: string): Promise<void> {
    const early = this.#early.get(conversationId);
    this.#early.delete(conversationId);
    if (!early || this.#closed) return;
    await this.#catchUp(conversationId, Math.max(...early.keys()));
  }

  catchUpAll(): void {
    for (const conversationId of this.#cursor.keys()) this.#enqueue(conversationId, () => this.#catchUp(conversationId));
  }

  #sendVisible(frame: MessageFrame): void {
    const text = frame.frameFor(this.userId);
    if (text === null) return;
    this.#write(text);
    this.#deps.metrics?.messagesOut.add('live');
  }

  /** Sends every visible message after the cursor, and moves the cursor to at least `upTo`. */
  async #catchUp(conversationId: string, upTo = 0): Promise<void> {
    for (;;) {
      const after = this.#cursor.get(conversationId) ?? 0;
      const page = await this.#deps.messages.history(this.#user, conversationId, { afterSeq: after, limit: CATCH_UP_PAGE });
      for (const message of page.messages) this.send({ type: 'message', message });
      this.#deps.metrics?.messagesOut.add('catch_up', page.messages.length);
      const reached = Math.max(after, upTo, page.messages.at(-1)?.seq ?? 0, page.messages.length < CATCH_UP_PAGE ? page.lastSeq : 0);
      this.#cursor.set(conversationId, reached);
      if (page.messages.length < CATCH_UP_PAGE) return;
    }
  }

  /**
   * Runs delivery work of a conversation after the work queued before it. With nothing queued, work
   * that completes synchronously (the common case: the next message in order) runs at once.
   */
  #enqueue(conversationId: string, work: () => Promise<void> | void): void {
    const previous = this.#deliveries.get(conversationId);
    let next: Promise<void>;
    if (previous) {
      next = previous.then(work);
    } else {
      try {
        const pending = work();
        if (!pending) return;
        next = pending;
      } catch (error) {
        next = Promise.reject(error);
      }
    }
    const chained = next.catch((error: unknown) => this.#deps.log.warn({ err: error, conversationId }, 'delivery to a socket failed'));
    this.#deliveries.set(conversationId, chained);
    void chained.then(() => {
      if (this.#deliveries.get(conversationId) === chained) this.#deliveries.delete(conversationId);
    });
  }

  #handle(frame: ClientFrame): void {
    switch (frame.type) {
      case 'send': {
        // A send is handed to the message service at once, without waiting for the ones before it:
        // the service queues sends in the order it is called and numbers a conversation's messages
        // in that order, so a client's messages keep their order while several are under way.
        this.#deps.metrics?.queueDepth.inc({ queue: 'sends' });
        const answered = this.#send(frame).finally(() => {
          this.#unanswered.delete(answered);
          this.#deps.metrics?.queueDepth.dec({ queue: 'sends' });
        });
        this.#unanswered.add(answered);
        return;
      }
      case 'resume':
        return this.#resume(frame.conversations);
      case 'typing':
        if (!this.#cursor.has(frame.conversationId)) return this.#refuse('NOT_A_MEMBER', undefined, { conversationId: frame.conversationId });
        void this.#deps.hub.publishTyping(frame.conversationId, this.userId);
        return;
      case 'read':
        void this.#deps.messages
          .markRead(this.#user, frame.conversationId, frame.seq)
          .catch((error: unknown) => this.#fail(error, { conversationId: frame.conversationId }));
        return;
      case 'ping':
        this.send({ type: 'pong', requestId: frame.requestId });
        return;
      default: {
        const unreachable: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async #send(frame: Extract<ClientFrame, { type: 'send' }>): Promise<void> {
    const counted = this.#deps.metrics?.messagesIn;
    if (!this.#deps.rateLimiter.take(this.userId)) {
      counted?.inc({ outcome: 'RATE_LIMITED' });
      return this.#refuse('RATE_LIMITED', undefined, { clientId: frame.clientId, conversationId: frame.conversationId });
    }
    try {
      this.send(await this.#deps.messages.send(this.#user, frame));
      counted?.inc({ outcome: 'ack' });
    } catch (error) {
      counted?.inc({ outcome: error instanceof TrellisError ? error.code : 'UNAVAILABLE' });
      this.#fail(error, { clientId: frame.clientId, conversationId: frame.conversationId });
    }
  }

  #resume(conversations: { conversationId: string; afterSeq: number }[]): void {
    for (const { conversationId, afterSeq } of conversations) {
      if (!this.#cursor.has(conversationId)) {
        this.#refuse('NOT_A_MEMBER', undefined, { conversationId });
        continue;
      }
      this.#enqueue(conversationId, async () => {
        this.#cursor.set(conversationId, afterSeq);
        await this.#catchUp(conversationId);
        this.send({ type: 'resumed', conversationId, lastSeq: this.#cursor.get(conversationId) ?? afterSeq });
      });
    }
  }

  #handleVideo(frame: { type: string }): void {
    const video = this.#deps.video;
    if (!video) return this.#refuse('UNKNOWN_TYPE', 'Video is not enabled on this server');
    this.#video ??= video.attach({ userId: this.userId, role: this.role, send: (message) => this.send(message as ServerFrame) });
    this.#video.handle(frame).catch((error: unknown) => this.#fail(error, {}));
  }

  /** Answers an error frame for a failed request; unexpected errors are logged and answered as INTERNAL. */
  #fail(error: unknown, context: { clientId?: string; conversationId?: string }): void {
    if (error instanceof TrellisError) {
      this.send({ type: 'error', code: error.code, message: error.message, ...context });
      return;
    }
    this.#deps.log.error({ err: error, userId: this.userId }, 'socket request failed');
    this.send({ type: 'error', code: 'UNAVAILABLE', message: 'Could not complete the request; try again', ...context });
  }

  /** Answers an error frame for a refused frame, counting it; persistent abuse closes the socket. */
  #refuse(code: TrellisError['code'], message?: string, context: { requestId?: string; clientId?: string; conversationId?: string } = {}): void {
    const now = Date.now();
    this.#badFrames = this.#badFrames.filter((at) => now - at < 60_000);
    this.#badFrames.push(now);
    this.send({ type: 'error', code, message: message ?? new TrellisError(code).message, ...context });
    if (this.#badFrames.length > this.#deps.maxBadFramesPerMinute) this.close(CloseCode.ABUSE, 'too many refused frames');
  }
}
