/**
 * The node's database driver, run on a thread of its own (`driver-worker.ts`). Prisma's client stays
 * on the event loop and sees an ordinary driver adapter; each query, script and transaction step
 * travels to the database thread as a message. The embedded PGlite (a whole PostgreSQL in
 * WebAssembly) or the PostgreSQL wire protocol then spends the second core's time instead of
 * holding up sockets and screening.
 */
import type { Worker } from 'node:worker_threads';
import type {
  IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, SqlResultSet, Transaction, TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { startWorker } from '../threads/start-worker.ts';
import type { DriverTarget } from './driver.ts';
import { fromWire, type DriverReady, type DriverRequest, type DriverResponse, type DriverWorkerData } from './driver-protocol.ts';

/** A request without its id (the thread numbers them). */
type Request = DriverRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A driver running on its own thread. */
export interface DriverThread {
  /** The adapter factory to give Prisma's client. */
  factory: SqlDriverAdapterFactory;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Closes the database and stops the thread. */
  close(): Promise<void>;
}

/** Starts the database thread; resolves once the database is open and migrated. */
export async function startDriverThread(target: DriverTarget): Promise<DriverThread> {
  const worker = startWorker(new URL('./driver-worker.ts', import.meta.url), { target } satisfies DriverWorkerData);
  const channel = new RequestChannel(worker);
  const ready = await channel.ready;
  if (!ready.ready) {
    await worker.terminate();
    throw fromWire(ready.error);
  }
  const info = { provider: ready.provider, adapterName: ready.adapterName };
  const queryable = (tx?: number): SqlQueryable => ({
    ...info,
    queryRaw: (query: SqlQuery) => channel.send({ op: 'query', query, tx }) as Promise<SqlResultSet>,
    executeRaw: (query: SqlQuery) => channel.send({ op: 'execute', query, tx }) as Promise<number>,
  });
  const adapter: SqlDriverAdapter = {
    ...queryable(),
    executeScript: async (script) => void (await channel.send({ op: 'script', script })),
    startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
      const { tx, options } = (await channel.send({ op: 'begin', isolationLevel })) as { tx: number; options: TransactionOptions };
      return {
        ...queryable(tx),
        options,
        commit: async () => void (await channel.send({ op: 'commit', tx })),
        rollback: async () => void (await channel.send({ op: 'rollback', tx })),
      };
    },
    getConnectionInfo: () => ready.connectionInfo ?? { supportsRelationJoins: true },
    dispose: async () => void (await channel.send({ op: 'dispose' })),
  };
  return {
    factory: { ...info, connect: async () => adapter },
    ping: async () => void (await channel.send({ op: 'ping' })),
    close: async () => {
      try {
        await channel.send({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
}

/**
 * Requests to the thread and their answers, matched by id; a thread that stops fails what waits. The
 * thread keeps the process alive only while a request waits, as a driver on the event loop would:
 * a database left open (a start-up that failed half way) does not stop the process from exiting.
 */
class RequestChannel {
  readonly ready: Promise<DriverReady>;
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  #stopped: Error | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: DriverReady | DriverResponse) => {
        if ('ready' in message) {
          resolve(message);
          if (this.#waiting.size === 0) worker.unref();
        } else this.#settle(message);
      });
      const stop = (error: Error) => {
        this.#stopped = error;
        reject(error);
        for (const waiting of this.#waiting.values()) waiting.reject(error);
        this.#waiting.clear();
      };
      worker.on('error', stop);
      worker.on('exit', (code) => stop(new Error(`the database thread stopped (exit code ${code})`)));
    });
  }

  /** Sends a request; settles with its answer. */
  send(request: Request): Promise<unknown> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }

  #settle(response: DriverResponse): void {
    const waiting = this.#waiting.get(response.id);
    this.#waiting.delete(response.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (response.ok) waiting?.resolve(response.value);
    else waiting?.reject(fromWire(response.error));
  }
}
