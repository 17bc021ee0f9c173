/**
 * A batch of sends written in one statement, committed on its own: it locks the conversations,
 * numbers the messages, advances the counters, stores the messages with their decisions, appends
 * their audit entries to the chain and moves its head. Its locks are held for that one statement
 * instead of across a transaction's round trips, which is what lets nodes that write to the same
 * conversations, and so wait on each other's locks, keep up. It is for batches that need nothing
 * else: no file, no verdict that raises a review or an alert (see `SendBatchWriter`).
 */
import type { DirectSql } from '../db/direct-sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { numberedAuditAppend, type NewAuditEntry } from '../repositories/audit.ts';
import { decisionsInsert, type NewDecision } from '../repositories/decisions.ts';
import { NUMBERED, numberedMessageInserts, type UnnumberedMessage } from '../repositories/messages.ts';

/** The decision and audit rows of a batch whose verdicts raised nothing. */
export interface QuietRecords {
  decisions: NewDecision[];
  /** Each entry's `data.seq` is filled in with the sequence number its message gets. */
  audit: { messageId: string; entry: NewAuditEntry }[];
}

/**
 * What became of each message of a batch: its sequence number; `resent` when its sender had already
 * used its client id, so it was not stored again; or why it was refused.
 */
export type Outcome = { seq: number } | { resent: true } | { refused: 'MENTORSHIP_NOT_ACTIVE' | 'NOT_A_MEMBER' };

/**
 * Writes the messages (without files) and their records in one statement; the outcome of each, in
 * order. A message is refused when its mentorship is no longer active, or its conversation is gone.
 * A resend fails nothing: the others of its batch are stored, and it is reported.
 */
export async function writeInOneStatement(direct: DirectSql, rows: readonly UnnumberedMessage[], records: QuietRecords): Promise<Outcome[]> {
  const decided = records.decisions.length > 0 ? Prisma.sql`decided AS (${decisionsInsert(records.decisions, NUMBERED)}), ` : Prisma.empty;
  const audited = records.audit.length > 0 ? numberedAuditAppend(records.audit, NUMBERED) : Prisma.empty;
  const result = await direct.query<{ n: number | null; seq: number | null; conversationId: string | null; status: string | null }>(Prisma.sql`
    WITH RECURSIVE ${numberedMessageInserts(rows)}${decided}${audited}"done" AS (SELECT 1)
    SELECT "n"::int, "seq"::int, NULL AS "conversationId", NULL AS "status" FROM ${Prisma.raw(NUMBERED)}
    UNION ALL
    SELECT NULL, NULL, "id", "status" FROM locked`);
  const seqs = new Map<number, number>();
  const statusOf = new Map<string, string>();
  for (const row of result) {
    if (row.n !== null && row.seq !== null) seqs.set(row.n, row.seq);
    else if (row.conversationId !== null && row.status !== null) statusOf.set(row.conversationId, row.status);
  }
  return rows.map((row, i) => {
    const seq = seqs.get(i + 1);
    if (seq !== undefined) return { seq };
    const status = statusOf.get(row.conversationId);
    if (status === 'active') return { resent: true };
    return { refused: status === undefined ? 'NOT_A_MEMBER' : 'MENTORSHIP_NOT_ACTIVE' };
  });
}
