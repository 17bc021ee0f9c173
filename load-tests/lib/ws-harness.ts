/**
 * The WebSocket load harness: `ws` client sockets (not autocannon) speaking the Trellis protocol's
 * hello / send → ack / message frames, against a Trellis node or the bare relay. It offers a send
 * rate spread over every socket and measures, per message, the acknowledgement latency at the sender
 * and the end-to-end latency from the send to its delivery at every other socket of the conversation.
 */
import WebSocket from 'ws';
import { inPool } from './fixtures.ts';
import { percentiles, round, type Percentiles } from './stats.ts';

/** One socket to open: its URL (with token or relay query) and the conversations it follows. */
export interface SocketSpec {
  url: string;
  userId: string;
  conversations: string[];
}

/** An open harness socket. */
export interface LoadSocket {
  readonly index: number;
  readonly spec: SocketSpec;
  readonly socket: WebSocket;
  /** Set by the harness while a step runs. */
  onFrame: ((frame: { type: string; [field: string]: unknown }, at: number) => void) | null;
}

/** Opens one socket and resolves on the server's hello. */
export function openSocket(spec: SocketSpec, index: number, timeoutMs = 30_000): Promise<LoadSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(spec.url, { perMessageDeflate: false });
    const handle: LoadSocket = { index, spec, socket, onFrame: null };
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no hello within the timeout'));
    }, timeoutMs);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; [field: string]: unknown };
      if (frame.type === 'hello') {
        clearTimeout(timer);
        resolve(handle);
      }
      handle.onFrame?.(frame, performance.now());
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: ${response.statusCode}`));
    });
  });
}

/** Opens many sockets with bounded concurrency; `onProgress` gets the number open so far. */
export async function openSockets(specs: SocketSpec[], concurrency: number, onProgress?: (open: number) => void): Promise<LoadSocket[]> {
  let open = 0;
  return inPool(specs, concurrency, async (spec, index) => {
    const socket = await openSocket(spec, index);
    onProgress?.(++open);
    return socket;
  });
}

/** Closes sockets and waits for them to be closed. */
export async function closeSockets(sockets: LoadSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((done) => {
          if (s.socket.readyState === WebSocket.CLOSED) return done();
          s.socket.once('close', () => done());
          s.socket.terminate();
        }),
    ),
  );
}

/** The outcome of one offered-rate step. */
export interface StepResult {
  /** Offered messages per second. */
  offered: number;
  sent: number;
  acked: number;
  /** Sends refused with an error code, by code. */
  refused: Record<string, number>;
  /** Deliveries expected (acked messages × other sockets of the conversation) and observed. */
  expectedDeliveries: number;
  delivered: number;
  /** Messages delivered to every other socket of their conversation, per second of the step. */
  throughput: number;
  endToEnd: Percentiles;
  ack: Percentiles;
}

/**
 * Words that write a message's marker in its text, one per decimal digit: the marker must read to
 * screening as ordinary words (a numeric id next to the step's rate once read as a phone number and
 * was redacted; runs of consonants read as disguised swearing).
 */
const MARKER_WORDS = ['apple', 'river', 'cloud', 'maple', 'stone', 'tiger', 'piano', 'ocean', 'lemon', 'cedar'];

/** `n` written with `MARKER_WORDS`, e.g. 102 → `river-apple-cloud`. */
function marker(n: number): string {
  return [...String(n)].map((digit) => MARKER_WORDS[Number(digit)]).join('-');
}

/** The number a `marker` wrote, or NaN. */
function unmarker(text: string): number {
  const digits = text.split('-').map((word) => MARKER_WORDS.indexOf(word));
  return digits.length > 0 && digits.every((digit) => digit >= 0) ? Number(digits.join('')) : NaN;
}

/** Whether a step kept up: every delivery made and p99 end-to-end latency under the bound. */
export function sustained(step: StepResult, p99BoundMs: number): boolean {
  return step.expectedDeliveries > 0 && step.delivered >= step.expectedDeliveries * 0.999 && step.endToEnd.p99 < p99BoundMs;
}

/** Sends at `rate` messages per second for `durationMs`, then waits up to `drainMs` for deliveries. */
export async function runStep(sockets: LoadSocket[], rate: number, durationMs: number, drainMs: number, label: string): Promise<StepResult> {
  const members = new Map<string, LoadSocket[]>();
  for (const s of sockets) for (const id of s.spec.conversations) (members.get(id) ?? members.set(id, []).get(id)!).push(s);
  const senders = sockets.filter((s) => s.spec.conversations.length > 0);
  const sent = new Map<number, { at: number; sender: number; remaining: number }>();
  const ackLatency: number[] = [];
  const endToEnd: number[] = [];
  const refused: Record<string, number> = {};
  let delivered = 0;
  let expected = 0;
  let complete = 0;
  let lastCompletion = 0;
  // Acknowledgements and refusals name the client id; deliveries are matched on a marker in the
  // text, unique to the step.
  const prefix = `${label}-`;
  const idOf = (clientId: unknown) => (typeof clientId === 'string' && clientId.startsWith(prefix) ? Number(clientId.slice(prefix.length)) : NaN);
  const stepMarker = `${marker(Math.floor(Math.random() * 1e6))} `;
  const idInText = (text: string) => (text.startsWith(stepMarker) ? unmarker(text.slice(stepMarker.length).split(' ', 1)[0]!) : NaN);

  for (const s of sockets) {
    s.onFrame = (frame, at) => {
      if (frame.type === 'message') {
        const message = frame.message as { body: string };
        const id = idInText(message.body);
        const entry = sent.get(id);
        if (!entry || entry.sender === s.index) return;
        delivered++;
        endToEnd.push(at - entry.at);
        if (--entry.remaining === 0) {
          complete++;
          lastCompletion = at;
        }
      } else if (frame.type === 'ack') {
        const entry = sent.get(idOf(frame.clientId));
        if (!entry) return;
        ackLatency.push(at - entry.at);
      } else if (frame.type === 'error' && typeof frame.clientId === 'string' && frame.clientId.startsWith(prefix)) {
        refused[String(frame.code)] = (refused[String(frame.code)] ?? 0) + 1;
        const entry = sent.get(idOf(frame.clientId));
        if (entry) expected -= entry.remaining;
      }
    };
  }

  const started = performance.now();
  let count = 0;
  let turn = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - started) / 1000) * rate), Math.floor((durationMs / 1000) * rate));
      while (count < due) {
        const sender = senders[turn++ % senders.length]!;
        const conversationId = sender.spec.conversations[count % sender.spec.conversations.length]!;
        const recipients = members.get(conversationId)!.length - 1;
        const id = count++;
        sent.set(id, { at: performance.now(), sender: sender.index, remaining: recipients });
        expected += recipients;
        const clientId = `${prefix}${id}`;
        const body = `${stepMarker}${marker(id)} what should I study to become an engineer?`;
        sender.socket.send(JSON.stringify({ type: 'send', conversationId, clientId, body }));
      }
      if (now - started >= durationMs) return done();
      setTimeout(tick, 5);
    };
    tick();
  });
  const drainDeadline = performance.now() + drainMs;
  while (delivered < expected && performance.now() < drainDeadline) await new Promise((done) => setTimeout(done, 20));
  for (const s of sockets) s.onFrame = null;
  const span = Math.max(durationMs, (lastCompletion || performance.now()) - started);
  return {
    offered: rate,
    sent: count,
    acked: ackLatency.length,
    refused,
    expectedDeliveries: expected,
    delivered,
    throughput: round((complete / span) * 1000, 1),
    endToEnd: percentiles(endToEnd),
    ack: percentiles(ackLatency),
  };
}

/** How long a socket waits for the acknowledgements of a burst of sends fired back to back. */
export interface BurstResult {
  bursts: number;
  /** Sends per burst, all from one socket to its conversation without waiting for an answer. */
  size: number;
  /** Milliseconds from a burst's first send to its last acknowledgement (or refusal). */
  lastAnswer: Percentiles;
}

/**
 * Fires `bursts` bursts of `size` sends, each from the next socket in turn, one burst at a time with
 * `gapMs` between them, and times each burst's last answer: what a client that sends several
 * messages at once (a pasted list, a file and its caption) waits for.
 */
export async function runBursts(sockets: LoadSocket[], bursts: number, size: number, gapMs: number, label: string): Promise<BurstResult> {
  const senders = sockets.filter((s) => s.spec.conversations.length > 0);
  const times: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const sender = senders[(b * Math.ceil(senders.length / bursts)) % senders.length]!;
    const prefix = `${label}-${b}-`;
    const started = performance.now();
    const answered = new Promise<number>((resolve) => {
      let left = size;
      sender.onFrame = (frame, at) => {
        const answer = frame.type === 'ack' || frame.type === 'error';
        if (answer && typeof frame.clientId === 'string' && frame.clientId.startsWith(prefix) && --left === 0) resolve(at - started);
      };
    });
    for (let i = 0; i < size; i++) {
      const body = `${marker(b)} ${marker(i)} which projects would you suggest for a first portfolio?`;
      sender.socket.send(JSON.stringify({ type: 'send', conversationId: sender.spec.conversations[0], clientId: `${prefix}${i}`, body }));
    }
    times.push(await answered);
    sender.onFrame = null;
    await new Promise((done) => setTimeout(done, gapMs));
  }
  return { bursts, size, lastAnswer: percentiles(times) };
}
