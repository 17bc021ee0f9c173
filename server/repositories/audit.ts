/** The append-only, hash-chained audit log (rules in `server/audit/chain.ts`). */
import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { entryHash, GENESIS_HASH, serialiseContent, type AuditContent, type AuditRecord, type JsonValue } from '../audit/chain.ts';

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

/**
 * Appends one entry in a single statement. The upsert of the one `AuditHead` row takes its row lock
 * until the surrounding transaction commits, so appends from every node are serialised and the
 * chain cannot fork; a waiting writer re-reads the head as committed by the one before it.
 *
 * NOTE: call it last in a transaction, since the head lock is held until commit.
 */
export async function appendAudit(db: Db, entry: NewAuditEntry): Promise<number> {
  const content = contentOf(entry);
  const text = serialiseContent(content);
  const rows = await db.$queryRaw<{ seq: number }[]>(Prisma.sql`
    WITH head AS (
      INSERT INTO "AuditHead" ("id", "seq", "prevHash", "hash")
      VALUES (1, 1, ${GENESIS_HASH}, encode(sha256(convert_to(${GENESIS_HASH} || E'\n1\n' || ${text}, 'UTF8')), 'hex'))
      ON CONFLICT ("id") DO UPDATE SET
        "seq" = "AuditHead"."seq" + 1,
        "prevHash" = "AuditHead"."hash",
        "hash" = encode(sha256(convert_to("AuditHead"."hash" || E'\n' || ("AuditHead"."seq" + 1)::text || E'\n' || ${text}, 'UTF8')), 'hex')
      RETURNING "seq", "prevHash", "hash"
    )
    INSERT INTO "AuditEntry" ("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
    SELECT "seq", ${content.at.toISOString()}::timestamp(3), ${content.actorId}, ${content.kind},
           ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(content.subjectIds)}::jsonb)),
           ${JSON.stringify(content.data)}::jsonb, "prevHash", "hash"
    FROM head
    RETURNING "seq"`);
  return Number(rows[0]?.seq);
}

/**
 * Appends several entries, in order, with two statements whatever their number: the head row is
 * locked (created at the genesis state if the chain is empty), the entries are hashed here by the
 * same rules as `appendAudit`, then inserted with the head moved in one statement. Call it last in a transaction, like
 * `appendAudit`: the head lock is held until commit.
 */
export async function appendAuditBatch(tx: Prisma.TransactionClient, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const [head] = await tx.$queryRaw<{ seq: number; hash: string }[]>(Prisma.sql`
    INSERT INTO "AuditHead" ("id", "seq", "prevHash", "hash") VALUES (1, 0, ${GENESIS_HASH}, ${GENESIS_HASH})
    ON CONFLICT ("id") DO UPDATE SET "id" = "AuditHead"."id"
    RETURNING "seq", "hash"`);
  if (!head) throw new Error('the audit head row could not be locked');
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const rows = entries.map((entry) => {
    const content = contentOf(entry);
    seq += 1;
    const hash = entryHash(prevHash, seq, content);
    const row = { seq, ...content, prevHash, hash };
    prevHash = hash;
    return row;
  });
  const last = rows[rows.length - 1]!;
  await tx.$executeRaw(Prisma.sql`
    WITH appended AS (
      INSERT INTO "AuditEntry" ("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
      SELECT e."seq", e."at"::timestamp(3), e."actorId", e."kind", ARRAY(SELECT jsonb_array_elements_text(e."subjectIds"::jsonb)), e."data"::jsonb, e."prevHash", e."hash"
      FROM unnest(${rows.map((row) => row.seq)}::int[], ${rows.map((row) => row.at.toISOString())}::text[], ${rows.map((row) => row.actorId)}::text[],
                  ${rows.map((row) => row.kind)}::text[], ${rows.map((row) => JSON.stringify(row.subjectIds))}::text[],
                  ${rows.map((row) => JSON.stringify(row.data))}::text[], ${rows.map((row) => row.prevHash)}::text[], ${rows.map((row) => row.hash)}::text[])
        AS e("seq", "at", "actorId", "kind", "subjectIds", "data", "prevHash", "hash")
    )
    UPDATE "AuditHead" SET "seq" = ${last.seq}, "prevHash" = ${last.prevHash}, "hash" = ${last.hash} WHERE "id" = 1`);
}

/** A page of entries after a position, in sequence order. */
export async function listAuditEntries(db: Db, afterSeq: number, limit: number): Promise<AuditRecord[]> {
  const rows = await db.auditEntry.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
  return rows.map((row) => ({ ...row, data: row.data as JsonValue }));
}

/** The head of the chain (last position and hash), or null before the first entry. */
export function getAuditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  return db.auditHead.findUnique({ where: { id: 1 }, select: { seq: true, hash: true } });
}
