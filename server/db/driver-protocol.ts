/**
 * The messages between the node's event loop and its database thread (`driver-thread.ts`,
 * `driver-worker.ts`): each request carries an id that its answer repeats. Errors cross as plain
 * data and are rebuilt on the other side, so that Prisma still recognises a driver's error (a unique
 * key, a deadlock, a lost connection) by its kind and code.
 */
import { DriverAdapterError, isDriverAdapterError, type IsolationLevel, type Provider, type SqlQuery } from '@prisma/driver-adapter-utils';
import type { DriverTarget } from './driver.ts';

/** What the database thread starts with. */
export interface DriverWorkerData {
  target: DriverTarget;
}

/** A request to the database thread; `tx` names an open transaction. */
export type DriverRequest = { id: number } & (
  | { op: 'query' | 'execute'; query: SqlQuery; tx?: number }
  | { op: 'script'; script: string }
  | { op: 'begin'; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'ping' | 'dispose' | 'close' }
);

/** An error as it crosses between threads. */
export type WireError =
  | { driver: DriverAdapterError['cause'] }
  | { name: string; message: string; code?: string; stack?: string };

/** The answer to a request. */
export type DriverResponse = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: WireError });

/** What the thread posts once, when its driver is open (or failed to open). */
export type DriverReady =
  | { ready: true; provider: Provider; adapterName: string; connectionInfo?: { schemaName?: string; supportsRelationJoins: boolean } }
  | { ready: false; error: WireError };

/**
 * An error as plain data. A driver's error is recognised by its shape, as Prisma recognises it: the
 * embedded driver's adapter throws it from its own copy of Prisma's adapter classes.
 */
export function toWire(error: unknown): WireError {
  if (error instanceof Error && isDriverAdapterError(error)) return { driver: error.cause };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, stack: error.stack, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** The error a `WireError` describes, of the class Prisma expects. */
export function fromWire(wire: WireError): Error {
  if ('driver' in wire) return new DriverAdapterError(wire.driver);
  const error: Error & { code?: string } = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  if (wire.code) error.code = wire.code;
  return error;
}
