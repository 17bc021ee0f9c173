/**
 * The database thread: opens the driver (`driver.ts`) and runs the queries, scripts and
 * transactions the node's Prisma client sends it (`driver-thread.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Transaction } from '@prisma/driver-adapter-utils';
import { openDriver } from './driver.ts';
import { answerRequests } from '../threads/request-channel.ts';
import { toWire, type DriverReady, type DriverRequest, type DriverWorkerData } from './driver-protocol.ts';

const port = parentPort!;
const { target } = workerData as DriverWorkerData;

try {
  const driver = await openDriver(target);
  const adapter = await driver.factory.connect();
  const transactions = new Map<number, Transaction>();
  let nextTransaction = 1;

  const transaction = (id: number): Transaction => {
    const open = transactions.get(id);
    if (!open) throw new Error(`transaction ${id} is not open`);
    return open;
  };

  const run = async (request: DriverRequest & { id: number }): Promise<unknown> => {
    switch (request.op) {
      case 'query':
        return (request.tx ? transaction(request.tx) : adapter).queryRaw(request.query);
      case 'execute':
        return (request.tx ? transaction(request.tx) : adapter).executeRaw(request.query);
      case 'script':
        return adapter.executeScript(request.script);
      case 'begin': {
        const opened = await adapter.startTransaction(request.isolationLevel);
        const id = nextTransaction++;
        transactions.set(id, opened);
        return { tx: id, options: opened.options };
      }
      case 'commit':
      case 'rollback': {
        const open = transaction(request.tx);
        transactions.delete(request.tx);
        return request.op === 'commit' ? open.commit() : open.rollback();
      }
      case 'ping':
        return driver.ping();
      case 'dispose':
        return adapter.dispose();
      case 'close':
        return driver.close();
    }
  };

  answerRequests(port, run, toWire);
  port.postMessage({
    ready: true, provider: adapter.provider, adapterName: adapter.adapterName, connectionInfo: adapter.getConnectionInfo?.(),
  } satisfies DriverReady);
} catch (error) {
  port.postMessage({ ready: false, error: toWire(error) } satisfies DriverReady);
}
