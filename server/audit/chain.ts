/**
 * The audit chain's hashing rules, shared by the writer (which hashes in SQL, under the head row
 * lock) and the verifier (which recomputes in JS):
 *
 *   hash = sha256_hex(prevHash + "\n" + seq + "\n" + canonical({ at, actorId, kind, subjectIds, data }))
 *
 * `canonical` is JSON with object keys sorted at every depth and `undefined` fields dropped, so the
 * same entry read back from the database serialises to the same text.
 */
import { createHash } from 'node:crypto';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A JSON value as stored in an entry's `data`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The hashed content of an entry (everything but its position and hashes). */
export interface AuditContent {
  at: Date;
  actorId: string | null;
  kind: string;
  subjectIds: string[];
  data: JsonValue;
}

/** A stored entry. */
export interface AuditRecord extends AuditContent {
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * JSON with sorted keys at every depth (no whitespace); `undefined` object fields are left out and
 * `undefined` array items written as null. Keys sort by UTF-16 code units, integer-like ones too.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // NOTE: loops and string appends, not entries/filter/map/join: this runs for every audit entry.
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i > 0 ? ',' : '') + canonicalJson(value[i] ?? null);
    return `${text}]`;
  }
  const fields = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(fields).sort()) {
    const field = fields[key];
    if (field === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(field)}`;
  }
  return `${text}}`;
}

/** The canonical serialisation of an entry's content, the text its hash covers. */
export function serialiseContent(content: AuditContent): string {
  return canonicalJson({
    at: content.at.toISOString(),
    actorId: content.actorId,
    kind: content.kind,
    subjectIds: content.subjectIds,
    data: content.data,
  });
}

/** The hash of an entry from the hash before it, its position and its content. */
export function entryHash(prevHash: string, seq: number, content: AuditContent): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${serialiseContent(content)}`, 'utf8').digest('hex');
}

/** Why an entry breaks the chain. */
export interface BrokenEntry {
  seq: number;
  reason: string;
}

/**
 * Checks entries in sequence order, page by page: positions without gaps from `expected.seq`, each
 * `prevHash` the hash before it, each `hash` recomputed from the content. Returns the first broken
 * entry, or the state to continue from with the next page.
 */
export function verifyPage(
  entries: readonly AuditRecord[],
  expected: { seq: number; prevHash: string },
): { broken: BrokenEntry } | { next: { seq: number; prevHash: string } } {
  let { seq, prevHash } = expected;
  for (const entry of entries) {
    if (entry.seq !== seq) return { broken: { seq, reason: `entry ${seq} is missing (found ${entry.seq} next)` } };
    if (entry.prevHash !== prevHash) return { broken: { seq, reason: 'prevHash does not match the hash of the entry before' } };
    if (entry.hash !== entryHash(prevHash, seq, entry)) return { broken: { seq, reason: 'content does not match its hash (edited)' } };
    prevHash = entry.hash;
    seq += 1;
  }
  return { next: { seq, prevHash } };
}
