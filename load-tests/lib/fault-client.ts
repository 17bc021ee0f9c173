/**
 * A resilient socket client for fault tests, behaving as a real Trellis client should: it keeps
 * every send until it is answered (ack or error code), and when its socket drops it reconnects to a
 * live node, sends `resume` with the last sequence it holds, and resends its unanswered sends with
 * their original client ids (the server answers a resent id with the same acknowledgement).
 */
import WebSocket from 'ws';
import type { LoadUser } from './fixtures.ts';

type Frame = { type: string; [field: string]: unknown };

/** Where a client may connect: called on every (re)connection. */
export type NodePicker = () => string | null;

/** One member's socket in one conversation. */
export class FaultClient {
  readonly member: LoadUser;
  readonly conversationId: string;
  /** How many times each sequence number arrived (more than once is a duplicate). */
  readonly held = new Map<number, number>();
  /** Sends not answered yet, by client id. */
  readonly outstanding = new Map<string, string>();
  /** Acknowledged sends: client id → sequence number. */
  readonly acked = new Map<string, number>();
  /** Acknowledged sends held for review (not delivered to recipients until a coordinator releases them). */
  readonly heldForReview = new Set<string>();
  readonly refused = new Map<string, string>();
  reconnects = 0;
  #lastSeq = -1;
  #socket: WebSocket | null = null;
  #stopped = false;
  readonly #pick: NodePicker;

  constructor(member: LoadUser, conversationId: string, pick: NodePicker) {
    this.member = member;
    this.conversationId = conversationId;
    this.#pick = pick;
  }

  /** Whether the socket is open and greeted. */
  get ready(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN && this.#lastSeq >= 0;
  }

  /** Connects (retrying until `deadline`) and resolves once greeted (and resumed after a drop). */
  async connect(deadline = Date.now() + 60_000): Promise<void> {
    while (!this.#stopped) {
      const url = this.#pick();
      try {
        if (!url) throw new Error('no live node');
        await this.#open(url);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((done) => setTimeout(done, 250));
      }
    }
  }

  /** Sends a message; it stays outstanding until answered, across reconnections. */
  send(clientId: string, body: string): void {
    this.outstanding.set(clientId, body);
    if (this.ready) this.#write(clientId, body);
  }

  /** Stops reconnecting and closes the socket. */
  close(): void {
    this.#stopped = true;
    this.#socket?.terminate();
  }

  #write(clientId: string, body: string): void {
    this.#socket?.send(JSON.stringify({ type: 'send', conversationId: this.conversationId, clientId, body }));
  }

  #open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${url}?token=${encodeURIComponent(this.member.token)}`, { perMessageDeflate: false });
      let greeted = false;
      const resumed = () => {
        greeted = true;
        this.#socket = socket;
        for (const [clientId, body] of this.outstanding) this.#write(clientId, body);
        resolve();
      };
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'hello') {
          const known = (frame.conversations as { conversationId: string; lastSeq: number }[]).find((c) => c.conversationId === this.conversationId);
          if (this.#lastSeq < 0) {
            this.#lastSeq = known?.lastSeq ?? 0;
            resumed();
          } else {
            this.reconnects++;
            socket.send(JSON.stringify({ type: 'resume', conversations: [{ conversationId: this.conversationId, afterSeq: this.#lastSeq }] }));
          }
          return;
        }
        this.#onFrame(frame, socket, resumed);
      });
      socket.once('error', (error) => {
        if (!greeted) reject(error);
      });
      socket.once('close', () => {
        if (!greeted) return reject(new Error('closed before the greeting'));
        if (this.#socket === socket) this.#socket = null;
        if (!this.#stopped) void this.connect(Date.now() + 120_000).catch(() => undefined);
      });
    });
  }

  #onFrame(frame: Frame, socket: WebSocket, resumed: () => void): void {
    switch (frame.type) {
      case 'message': {
        const message = frame.message as { conversationId: string; seq: number };
        if (message.conversationId !== this.conversationId) return;
        this.held.set(message.seq, (this.held.get(message.seq) ?? 0) + 1);
        this.#lastSeq = Math.max(this.#lastSeq, message.seq);
        return;
      }
      case 'resumed':
        if (this.#socket !== socket) resumed();
        return;
      case 'ack':
        this.outstanding.delete(String(frame.clientId));
        this.refused.delete(String(frame.clientId));
        this.acked.set(String(frame.clientId), Number(frame.seq));
        if (frame.status !== 'delivered') this.heldForReview.add(String(frame.clientId));
        return;
      case 'error':
        if (typeof frame.clientId !== 'string' || !this.outstanding.has(frame.clientId)) return;
        this.outstanding.delete(frame.clientId);
        this.refused.set(frame.clientId, String(frame.code));
        return;
    }
  }
}
