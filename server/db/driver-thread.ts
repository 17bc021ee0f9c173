/**
 * The embedded database, run on a thread of its own (`driver-worker.ts`). Prisma's client stays on
 * the event loop and sees an ordinary driver adapter; each query, script and transaction step
 * travels to the database thread as a message. PGlite (a whole PostgreSQL in WebAssembly) then
 * spends the second core's time instead of holding up sockets and screening.
 */
import type {
  IsolationLevel, SqlDriverAdapter, SqlQuery, SqlQueryable, SqlResultSet, Transaction, TransactionOptions,
} from '@prisma/driver-adapter-utils';
import { RequestChannel } from '../threads/request-channel.ts';
import { startWorker } from '../threads/start-worker.ts';
import { directSql } from './direct-sql.ts';
import type { EmbeddedTarget, RunningDriver } from './driver.ts';
import { fromWire, type DriverReady, type DriverRequest, type DriverWorkerData, type WireError } from './driver-protocol.ts';

/**
 * Starts the database thread; resolves once the database is open and migrated. The driver's `close`
 * closes the database and stops the thread.
 */
export async function startDriverThread(target: EmbeddedTarget): Promise<RunningDriver> {
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
