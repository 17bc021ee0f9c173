/**
 * The messages between the node's event loop and its database thread (`driver-thread.ts`,
 * `driver-worker.ts`), over a `RequestChannel`. A driver's errors cross as plain data and are rebuilt
 * on the other side, so that Prisma still recognises them (a unique key, a deadlock, a lost
 * connection) by their kind and code.
 */
import { DriverAdapterError, isDriverAdapterError, type IsolationLevel, type Provider, type SqlQuery } from '@prisma/driver-adapter-utils';
import { fromPlainError, toPlainError, type PlainError } from '../threads/request-channel.ts';
import type { EmbeddedTarget } from './driver.ts';

/** What the database thread starts with. */
export interface DriverWorkerData {
  target: EmbeddedTarget;
}

/** A request to the database thread; `tx` names an open transaction. */
export type DriverRequest =
  | { op: 'query' | 'execute'; query: SqlQuery; tx?: number }
  | { op: 'script'; script: string }
  | { op: 'begin'; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'ping' | 'dispose' | 'close' };

/** An error as it crosses between threads. */
export type WireError = { driver: DriverAdapterError['cause'] } | PlainError;

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
  return toPlainError(error);
}

/** The error a `WireError` describes, of the class Prisma expects. */
export function fromWire(wire: WireError): Error {
  return 'driver' in wire ? new DriverAdapterError(wire.driver) : fromPlainError(wire);
}
