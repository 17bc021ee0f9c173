/**
 * Several data-modifying statements sent as one: each becomes a common table expression of a single
 * statement, so a transaction pays one round trip for all of them. Rows one of them inserts may be
 * referenced by another's foreign keys (the keys are checked at the end of the statement).
 */
import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './client.ts';

/** `"w0" AS (…), "w1" AS (…), ` for the head of a `WITH` list (empty for none). */
export function asCommonTableExpressions(statements: readonly Prisma.Sql[]): Prisma.Sql {
  if (statements.length === 0) return Prisma.empty;
  return Prisma.sql`${Prisma.join(statements.map((statement, i) => Prisma.sql`${Prisma.raw(`"w${i}"`)} AS (${statement})`), ', ')}, `;
}

/** Runs the statements in one round trip (none for none). */
export async function executeTogether(db: Db, statements: readonly Prisma.Sql[]): Promise<void> {
  if (statements.length === 0) return;
  await db.$executeRaw(Prisma.sql`WITH ${asCommonTableExpressions(statements)}"done" AS (SELECT 1) SELECT 1 FROM "done"`);
}

/**
 * Rows as a relation named `alias` with the given column definitions (e.g. `"id" text, "n" int`),
 * read from one JSON parameter whose objects have those keys. One parameter costs the client one
 * serialisation, where one array parameter per column costs it work for every element.
 */
export function jsonRecords(rows: readonly object[], alias: string, columns: string): Prisma.Sql {
  return Prisma.sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${Prisma.raw(alias)}(${Prisma.raw(columns)})`;
}
