/**
 * Requests from the event loop to a worker thread and their answers, matched by id. The worker posts
 * one start-up message (ready or failed) and then answers each request with a `Reply`. Errors cross
 * as plain data, encoded and decoded by the channel's owner (`toPlainError` and `fromPlainError` for
 * ordinary errors).
 */
import type { MessagePort, Worker } from 'node:worker_threads';

/** An answer to request `id`. */
export type Reply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: unknown });

/** An ordinary error as it crosses between threads. */
export interface PlainError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** An error as plain data (its name, message, stack and string `code`). */
export function toPlainError(error: unknown): PlainError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, stack: error.stack, ...(typeof code === 'string' ? { code } : {}) };
}

/** The error a `PlainError` describes. */
export function fromPlainError(plain: PlainError): Error {
  const error: Error & { code?: string } = new Error(plain.message);
  error.name = plain.name;
  if (plain.stack) error.stack = plain.stack;
  if (plain.code) error.code = plain.code;
  return error;
}

/**
 * The event loop's end of a worker's requests. The thread keeps the process alive only while a
 * request waits, as a socket would: a worker left running (a start-up that failed half way) does not
 * stop the process from exiting. A thread that stops fails every request waiting and every later one.
 */
export class RequestChannel<Ready> {
  /** The worker's start-up message; rejects if the thread stops first. */
  readonly ready: Promise<Ready>;
  readonly #worker: Worker;
  readonly #decodeError: (error: unknown) => Error;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  #stopped: Error | undefined;

  /** `name` names the thread in the error of a stopped thread; `decodeError` rebuilds a reply's error. */
  constructor(worker: Worker, name: string, decodeError: (error: unknown) => Error) {
    this.#worker = worker;
    this.#decodeError = decodeError;
    let started = false;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: Ready | Reply) => {
        if (started) return this.#settle(message as Reply);
        started = true;
        resolve(message as Ready);
        if (this.#waiting.size === 0) worker.unref();
      });
      const stop = (error: Error) => {
        this.#stopped ??= error;
        reject(error);
        for (const waiting of this.#waiting.values()) waiting.reject(error);
        this.#waiting.clear();
      };
      worker.on('error', stop);
      worker.on('exit', (code) => stop(new Error(`the ${name} thread stopped (exit code ${code})`)));
    });
  }

  /** Sends a request (the channel numbers it); settles with its answer. */
  send(request: object): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  /** Stops the thread; requests still waiting fail. */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #settle(reply: Reply): void {
    const waiting = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.ok) waiting?.resolve(reply.value);
    else waiting?.reject(this.#decodeError(reply.error));
  }
}

/**
 * The worker's end: answers each request `port` receives with what `handle` resolves to, or the
 * error it rejects with (as `encodeError` writes it). Requests are handled concurrently.
 */
export function answerRequests<Request extends { id: number }>(
  port: MessagePort,
  handle: (request: Request) => Promise<unknown>,
  encodeError: (error: unknown) => unknown,
): void {
  port.on('message', (request: Request) => {
    handle(request).then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies Reply),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: encodeError(error) } satisfies Reply),
    );
  });
}
