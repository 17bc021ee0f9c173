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
 * Appends one entry in a single statement. The update of the one `AuditHead` row (there from the
 * first migration on, at position 0 with the genesis hash) takes its row lock until the surrounding
 * transaction commits, so appends from every node are serialised and the chain cannot fork; a
 * waiting writer re-reads the head as committed by the one before it.
 *
 * NOTE: call it last in a transaction, since the head lock is held until commit.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<number> {
  const content = contentOf(entry);
  const text = serialiseContent(content);
  const rows = await db.$queryRaw<{ seq: number }[]>(Prisma.sql`
    WITH head AS (
      UPDATE "AuditHead" SET
        "seq" = "seq" + 1,
        "prevHash" = "hash",
        "hash" = ${entryHashSql(Prisma.sql`"hash"`, Prisma.sql`"seq" + 1`, Prisma.sql`${text}`)}
      WHERE "id" = 1
      RETURNING "seq", "prevHash", "hash"
    )
    INSERT INTO "AuditEntry" ("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
    SELECT "seq", ${content.at.toISOString()}::timestamp(3), ${content.actorId}, ${content.kind},
           ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(content.subjectIds)}::jsonb)),
           ${JSON.stringify(content.data)}::jsonb, "prevHash", "hash"
    FROM head
    RETURNING "seq"`);
  const appended = rows[0];
  if (!appended) throw new Error('the audit chain has no head row: the database has not been migrated');
  return Number(appended.seq);
}

/**
 * The common table expressions (for the head of a `WITH RECURSIVE` list) that append the rows of
 * `entry` to the chain: a query of "content" (the text the hash covers), "at", "actorId", "kind",
 * "subjectIds" and "data" (JSON) and "n", the entry's position in the batch (1, 2, …). They
 * lock the head row, hash the entries one after the other from it by the same rules as
 * `appendAudit` (a recursive query), insert them and move the head. The head is locked only once
 * `entry` has been read, so that the locks `entry` depends on (a batch's conversations) are taken
 * first, in the order every writer takes them. The head row is there from the first migration on.
 */
function chainAppend(entry: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`"auditEntry" AS (${entry}), "auditHead" AS (
      SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1 AND EXISTS (SELECT 1 FROM "auditEntry") FOR UPDATE
    ), "auditChain" AS (
      -- Position 0 is the head as locked; each entry n is hashed from the one before it.
      SELECT 0::bigint AS "n", "seq", NULL::text AS "prevHash", "hash" FROM "auditHead"
      UNION ALL
      SELECT c."n" + 1, c."seq" + 1, c."hash", ${entryHashSql(Prisma.sql`c."hash"`, Prisma.sql`c."seq" + 1`, Prisma.sql`e."content"`)}
      FROM "auditChain" c JOIN "auditEntry" e ON e."n" = c."n" + 1
    ), "auditAppended" AS (
      INSERT INTO "AuditEntry" ("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
      SELECT c."seq", e."at"::timestamp(3), e."actorId", e."kind", ARRAY(SELECT jsonb_array_elements_text(e."subjectIds")), e."data", c."prevHash", c."hash"
      FROM "auditChain" c JOIN "auditEntry" e ON e."n" = c."n"
    ), "auditMovedHead" AS (
      UPDATE "AuditHead" AS h SET "seq" = last."seq", "prevHash" = last."prevHash", "hash" = last."hash"
      FROM (SELECT "seq", "prevHash", "hash" FROM "auditChain" WHERE "n" > 0 ORDER BY "n" DESC LIMIT 1) AS last
      WHERE h."id" = 1
    ), `;
}

/**
 * Appends several entries, in order, in one statement whatever their number (see `chainAppend`);
 * `alongside` statements run in the same statement (see `executeTogether`). Call it last in a
 * transaction, like `appendAudit`: the head lock is held until commit.
 */
export async function appendAuditBatch(tx: Prisma.TransactionClient, entries: NewAuditEntry[], alongside: readonly Prisma.Sql[] = []): Promise<void> {
  if (entries.length === 0) return executeTogether(tx, alongside);
  const contents = entries.map(contentOf);
  const records = contents.map((c, i) => ({ ...c, content: serialiseContent(c), at: c.at.toISOString(), n: i + 1 }));
  await tx.$executeRaw(Prisma.sql`
    WITH RECURSIVE ${asCommonTableExpressions(alongside)}${chainAppend(Prisma.sql`
      SELECT * FROM ${jsonRecords(records, 'e', '"content" text, "at" text, "actorId" text, "kind" text, "subjectIds" jsonb, "data" jsonb, "n" int')}`)}"done" AS (SELECT 1)
    SELECT 1 FROM "done"`);
}

/** Stands in an entry's data for the sequence number a statement assigns (see `numberedAuditAppend`). */
const ASSIGNED_SEQ = '(the sequence number assigned in the statement)';

/** The content text of an entry, cut where its `data.seq` goes. */
function contentAroundSeq(entry: NewAuditEntry): { content: AuditContent; before: string; after: string } {
  const content = contentOf({ ...entry, data: { ...entry.data, seq: ASSIGNED_SEQ } });
  const [before, after, ...more] = serialiseContent(content).split(JSON.stringify(ASSIGNED_SEQ));
  if (before === undefined || after === undefined || more.length > 0) throw new Error(`audit entry ${entry.kind} has no single place for its seq`);
  return { content, before, after };
}

/**
 * The common table expressions that append the audit entries of messages numbered earlier in the
 * same statement (see `chainAppend`): `numbered` names a relation of ("id", "seq", "k"), a message's
 * id, the sequence number the statement gave it and its entry's position in the batch (1, 2, …).
 * Each entry's `data.seq` is that number; entries of messages not in `numbered` are left out.
 */
export function numberedAuditAppend(entries: { messageId: string; entry: NewAuditEntry }[], numbered: string): Prisma.Sql {
  const records = entries.map(({ messageId, entry }) => {
    const { content, before, after } = contentAroundSeq(entry);
    return { messageId, before, after, at: content.at.toISOString(), actorId: content.actorId, kind: content.kind, subjectIds: content.subjectIds, data: content.data };
  });
  return chainAppend(Prisma.sql`
    SELECT a."before" || nb."seq"::text || a."after" AS "content", a."at", a."actorId", a."kind", a."subjectIds",
           jsonb_set(a."data", '{seq}', to_jsonb(nb."seq")) AS "data", nb."k" AS "n"
    FROM ${jsonRecords(records, 'a', '"messageId" text, "before" text, "after" text, "at" text, "actorId" text, "kind" text, "subjectIds" jsonb, "data" jsonb')}
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
