/** Verifies the whole audit chain against its head; used by `npm run audit:verify` and the admin endpoint. */
import type { Db } from '../db/client.ts';
import { getAuditHead, listAuditEntries } from '../repositories/audit.ts';
import { GENESIS_HASH, verifyPage, type BrokenEntry } from './chain.ts';

/** What a verification found. */
export interface AuditVerification {
  ok: boolean;
  /** Entries checked before the first broken one (all of them when ok). */
  checked: number;
  /** The head's position when the verification started. */
  headSeq: number;
  /** The first entry that breaks the chain, or null. */
  firstBroken: BrokenEntry | null;
}

const PAGE = 1000;

/**
 * Walks the chain from the first entry to the head read at the start (entries appended meanwhile
 * are left for the next run). A deleted tail shows as the head's entry missing.
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerification> {
  const head = await getAuditHead(db);
  const headSeq = head?.seq ?? 0;
  let state = { seq: 1, prevHash: GENESIS_HASH };
  while (state.seq <= headSeq) {
    const page = (await listAuditEntries(db, state.seq - 1, PAGE)).filter((entry) => entry.seq <= headSeq);
    if (page.length === 0) break;
    const outcome = verifyPage(page, state);
    if ('broken' in outcome) return { ok: false, checked: outcome.broken.seq - 1, headSeq, firstBroken: outcome.broken };
    state = outcome.next;
  }
  if (state.seq <= headSeq) {
    return { ok: false, checked: state.seq - 1, headSeq, firstBroken: { seq: state.seq, reason: `entry ${state.seq} is missing (the head is at ${headSeq})` } };
  }
  if (head && state.prevHash !== head.hash) {
    return { ok: false, checked: headSeq - 1, headSeq, firstBroken: { seq: headSeq, reason: 'the last entry does not match the head of the chain' } };
  }
  return { ok: true, checked: headSeq, headSeq, firstBroken: null };
}
