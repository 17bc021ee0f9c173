/**
 * A scripted Trellis socket client for tests and load tests: collects every frame and waits for
 * frames matching a predicate.
 */
import WebSocket from 'ws';

/** Any frame the server sends. */
export type Frame = { type: string; [field: string]: unknown };

/** A connected client. */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  closed: { code: number; reason: string } | null = null;
  #waiters: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((waiter) => (waiter.match(frame) ? (waiter.resolve(frame), false) : true));
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  /** Connects with a token and waits for the server's hello. */
  static async connect(wsUrl: string, token: string): Promise<TestClient> {
    const socket = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    await client.next((frame) => frame.type === 'hello');
    return client;
  }

  /** Sends a frame (an object is JSON-encoded; a string is sent as is). */
  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame, already received or still to come, matching `match`. */
  next(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a message and waits for its acknowledgement or error. */
  async sendMessage(conversationId: string, clientId: string, body: string): Promise<Frame> {
    this.send({ type: 'send', conversationId, clientId, body });
    return this.next((frame) => (frame.type === 'ack' || frame.type === 'error') && frame.clientId === clientId);
  }

  /** The messages received, in arrival order, for one conversation. */
  messages(conversationId: string): { seq: number; body: string; senderId: string; status: string }[] {
    return this.frames
      .filter((frame) => frame.type === 'message')
      .map((frame) => frame.message as { conversationId: string; seq: number; body: string; senderId: string; status: string })
      .filter((message) => message.conversationId === conversationId);
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
