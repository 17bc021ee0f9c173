/** The append-only, hash-chained audit log (rules in `server/audit/chain.ts`). */
import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { asCommonTableExpressions, executeTogether, jsonRecords } from '../db/statements.ts';
import { serialiseContent, type AuditContent, type AuditRecord, type JsonValue } from '../audit/chain.ts';

/** An entry to append; `at` defaults to now. */
export interface NewAuditEntry {
  actorId: string | null;
  kind: string;
  subjectIds: string[];
  data: Record<string, unknown>;
  at?: Date;
}

/** The hashed content of an entry to append. */
function contentOf(entry: NewAuditEntry): AuditContent {
  return {
    at: new Date((entry.at ?? new Date()).getTime()),
    actorId: entry.actorId,
    kind: entry.kind,
    subjectIds: entry.subjectIds,
    // Round-trip through JSON so that what is hashed is exactly what jsonb stores and gives back.
    data: JSON.parse(JSON.stringify(entry.data)) as JsonValue,
  };
}

/** `entryHash` (`server/audit/chain.ts`) in SQL: the hash of the previous hash, the position and the content. */
function entryHashSql(prevHash: Prisma.Sql, seq: Prisma.Sql, content: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`encode(sha256(convert_to(${prevHash} || E'\n' || (${seq})::text || E'\n' || ${content}, 'UTF8')), 'hex')`;
}

/**
 * The common table expressions (for the head of a `WITH RECURSIVE` list) that append the rows of
 * `entry` to the chain: a query of "content" (the text the hash covers, which the stored columns
 * are read from) and "n", the entry's position in the batch (1, 2, …). They lock the head row,
 * hash the entries one after the other from it by the rules of `entryHash` (a recursive query),
 * insert them and move the head. The head is locked only once `entry` has been read, so that the
 * locks `entry` depends on (a batch's conversations) are taken first, in the order every writer
 * takes them. The head row is there from the first migration on.
 */
function chainAppend(entry: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`"auditEntry" AS (SELECT e.*, e."content"::jsonb AS "parsed" FROM (${entry}) AS e), "auditHead" AS (
      SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1 AND EXISTS (SELECT 1 FROM "auditEntry") FOR UPDATE
    ), "auditChain" AS (
      -- Position 0 is the head as locked; each entry n is hashed from the one before it.
      SELECT 0::bigint AS "n", "seq", NULL::text AS "prevHash", "hash" FROM "auditHead"
      UNION ALL
      SELECT c."n" + 1, c."seq" + 1, c."hash", ${entryHashSql(Prisma.sql`c."hash"`, Prisma.sql`c."seq" + 1`, Prisma.sql`e."content"`)}
      FROM "auditChain" c JOIN "auditEntry" e ON e."n" = c."n" + 1
    ), "auditAppended" AS (
      -- The stored columns are read from the very text the hash covers, which travels once.
      INSERT INTO "AuditEntry" ("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
      SELECT c."seq", (e."parsed"->>'at')::timestamp(3), e."parsed"->>'actorId', e."parsed"->>'kind',
             ARRAY(SELECT jsonb_array_elements_text(e."parsed"->'subjectIds')), e."parsed"->'data', c."prevHash", c."hash"
      FROM "auditChain" c JOIN "auditEntry" e ON e."n" = c."n"
    ), "auditMovedHead" AS (
      UPDATE "AuditHead" AS h SET "seq" = last."seq", "prevHash" = last."prevHash", "hash" = last."hash"
      FROM (SELECT "seq", "prevHash", "hash" FROM "auditChain" WHERE "n" > 0 ORDER BY "n" DESC LIMIT 1) AS last
      WHERE h."id" = 1
    ), `;
}

/** The entries as a query of their content and position (see `chainAppend`). */
function contentRecords(entries: NewAuditEntry[]): Prisma.Sql {
  const records = entries.map((entry, i) => ({ content: serialiseContent(contentOf(entry)), n: i + 1 }));
  return Prisma.sql`SELECT * FROM ${jsonRecords(records, 'e', '"content" text, "n" int')}`;
}

/**
 * Appends one entry in a single statement; its position. The head row (there from the first
 * migration on, at position 0 with the genesis hash) stays locked until the surrounding transaction
 * commits, so appends from every node are serialised and the chain cannot fork; a waiting writer
 * re-reads the head as committed by the one before it.
 *
 * NOTE: call it last in a transaction, since the head lock is held until commit.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<number> {
  const rows = await db.$queryRaw<{ seq: number }[]>(Prisma.sql`
    WITH RECURSIVE ${chainAppend(contentRecords([entry]))}"done" AS (SELECT 1)
    SELECT "seq" FROM "auditChain" WHERE "n" = 1`);
  const appended = rows[0];
  if (!appended) throw new Error('the audit chain has no head row: the database has not been migrated');
  return Number(appended.seq);
}

/**
 * Appends several entries, in order, in one statement whatever their number (see `chainAppend`);
 * `alongside` statements run in the same statement (see `executeTogether`). Call it last in a
 * transaction, like `appendAudit`: the head lock is held until commit.
 */
export async function appendAuditBatch(tx: Prisma.TransactionClient, entries: NewAuditEntry[], alongside: readonly Prisma.Sql[] = []): Promise<void> {
  if (entries.length === 0) return executeTogether(tx, alongside);
  await tx.$executeRaw(Prisma.sql`
    WITH RECURSIVE ${asCommonTableExpressions(alongside)}${chainAppend(contentRecords(entries))}"done" AS (SELECT 1)
    SELECT 1 FROM "done"`);
}

/** Stands in an entry's data for the sequence number a statement assigns (see `numberedAuditAppend`). */
const ASSIGNED_SEQ = '(the sequence number assigned in the statement)';

/** The content text of an entry, cut where its `data.seq` goes. */
function contentAroundSeq(entry: NewAuditEntry): { before: string; after: string } {
  const [before, after, ...more] = serialiseContent(contentOf({ ...entry, data: { ...entry.data, seq: ASSIGNED_SEQ } })).split(JSON.stringify(ASSIGNED_SEQ));
  if (before === undefined || after === undefined || more.length > 0) throw new Error(`audit entry ${entry.kind} has no single place for its seq`);
  return { before, after };
}

/**
 * The common table expressions that append the audit entries of messages numbered earlier in the
 * same statement (see `chainAppend`): `numbered` names a relation of ("id", "seq", "k"), a message's
 * id, the sequence number the statement gave it and its entry's position in the batch (1, 2, …).
 * Each entry's `data.seq` is that number; entries of messages not in `numbered` are left out.
 */
export function numberedAuditAppend(entries: { messageId: string; entry: NewAuditEntry }[], numbered: string): Prisma.Sql {
  const records = entries.map(({ messageId, entry }) => ({ messageId, ...contentAroundSeq(entry) }));
  return chainAppend(Prisma.sql`
    SELECT a."before" || nb."seq"::text || a."after" AS "content", nb."k" AS "n"
    FROM ${jsonRecords(records, 'a', '"messageId" text, "before" text, "after" text')}
    JOIN ${Prisma.raw(numbered)} nb ON nb."id" = a."messageId"`);
}

/** A page of entries after a position, in sequence order. */
export async function listAuditEntries(db: Db, afterSeq: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db.auditEntry.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
  return rows.map((row) => ({ ...row, data: row.data as JsonValue }));
}

/** The head of the chain: its last position and hash (position 0 and the genesis hash before the first entry). */
export function getAuditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  return db.auditHead.findUnique({ where: { id: 1 }, select: { seq: true, hash: true } });
}
