/**
 * Statements sent to the driver directly, past Prisma's query engine. Prisma runs a raw
 * statement by serialising its parameters to JSON, parsing them back and mapping each value of the
 * result, on the event loop; the batch statement's parameters are large JSON documents, so that cost
 * grew with every message. Only the hottest statements (a batch's write and its signals read) take
 * this path. Values come back as the driver gives them: numbers, strings, arrays, timestamps as
 * ISO 8601 text in UTC. Errors are the driver's (`DriverAdapterError`, with the SQLSTATE as
 * `cause.originalCode`).
 */
import type { ArgType, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';
import type { Prisma } from '../generated/prisma/client.ts';

/** Runs statements on the driver directly. */
export interface DirectSql {
  /** Runs one statement (with `$n` parameters from the template's values); its rows as objects. */
  query<Row>(sql: Prisma.Sql): Promise<Row[]>;
}

/** A `DirectSql` over a driver's `queryRaw`. */
export function directSql(queryRaw: (query: SqlQuery) => Promise<SqlResultSet>): DirectSql {
  return {
    async query<Row>(sql: Prisma.Sql): Promise<Row[]> {
      const { columnNames, rows } = await queryRaw({ sql: sql.text, args: sql.values, argTypes: sql.values.map(argTypeOf) });
      return rows.map((row) => Object.fromEntries(columnNames.map((name, i) => [name, row[i]])) as Row);
    },
  };
}

/** How the driver is to send a value: dates as timestamps, everything else as the driver would. */
function argTypeOf(value: unknown): ArgType {
  const arity = Array.isArray(value) ? 'list' : 'scalar';
  const sample: unknown = Array.isArray(value) ? value[0] : value;
  return { scalarType: sample instanceof Date ? 'datetime' : 'unknown', arity };
}
