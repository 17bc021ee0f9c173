/**
 * The node's database driver, run on a thread of its own (`driver-worker.ts`). Prisma's client stays
 * on the event loop and sees an ordinary driver adapter; each query, script and transaction step
 * travels to the database thread as a message. The embedded PGlite (a whole PostgreSQL in
 * WebAssembly) or the PostgreSQL wire protocol then spends the second core's time instead of
 * holding up sockets and screening.
 */
import type {
  IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlQueryable, SqlResultSet, Transaction, TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { RequestChannel } from '../threads/request-channel.ts';
import { startWorker } from '../threads/start-worker.ts';
import { directSql, type DirectSql } from './direct-sql.ts';
import type { DriverTarget } from './driver.ts';
import { fromWire, type DriverReady, type DriverRequest, type DriverWorkerData, type WireError } from './driver-protocol.ts';

/** A driver running on its own thread. */
export interface DriverThread {
  /** The adapter factory to give Prisma's client. */
  factory: SqlDriverAdapterFactory;
  /** Statements sent to the driver directly, past Prisma (see `direct-sql.ts`). */
  direct: DirectSql;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Closes the database and stops the thread. */
  close(): Promise<void>;
}

/** Starts the database thread; resolves once the database is open and migrated. */
export async function startDriverThread(target: DriverTarget): Promise<DriverThread> {
  const worker = startWorker(new URL('./driver-worker.ts', import.meta.url), { target } satisfies DriverWorkerData);
  const channel = new RequestChannel<DriverReady>(worker, 'database', (error) => fromWire(error as WireError));
  const send = (request: DriverRequest) => channel.send(request);
  const ready = await channel.ready;
  if (!ready.ready) {
    await channel.terminate();
    throw fromWire(ready.error);
  }
  const info = { provider: ready.provider, adapterName: ready.adapterName };
  const queryable = (tx?: number): SqlQueryable => ({
    ...info,
    queryRaw: (query: SqlQuery) => send({ op: 'query', query, tx }) as Promise<SqlResultSet>,
    executeRaw: (query: SqlQuery) => send({ op: 'execute', query, tx }) as Promise<number>,
  });
  const adapter: SqlDriverAdapter = {
    ...queryable(),
    executeScript: async (script) => void (await send({ op: 'script', script })),
    startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
      const { tx, options } = (await send({ op: 'begin', isolationLevel })) as { tx: number; options: TransactionOptions };
      return {
        ...queryable(tx),
        options,
        commit: async () => void (await send({ op: 'commit', tx })),
        rollback: async () => void (await send({ op: 'rollback', tx })),
      };
    },
    getConnectionInfo: () => ready.connectionInfo ?? { supportsRelationJoins: true },
    dispose: async () => void (await send({ op: 'dispose' })),
  };
  return {
    factory: { ...info, connect: async () => adapter },
    direct: directSql(adapter.queryRaw),
    ping: async () => void (await send({ op: 'ping' })),
    close: async () => {
      try {
        await send({ op: 'close' });
      } finally {
        await channel.terminate();
      }
    },
  };
}
