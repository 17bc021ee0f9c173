/** Transcript export of a mentorship for its program's coordinators: every message with its verdict and decisions. */
import type { Db } from '../db/client.ts';
import { listDecisionsOf } from '../repositories/decisions.ts';
import { listTranscript } from '../repositories/moderated-messages.ts';

/** One message of a transcript. */
export interface TranscriptEntry {
  seq: number;
  id: string;
  createdAt: string;
  senderId: string;
  senderName: string;
  senderRole: string;
  status: string;
  action: string;
  severity: string;
  categories: string[];
  /** The text as written. */
  body: string;
  /** What recipients saw (masked when redacted). */
  deliveredBody: string;
  verdict: unknown;
  /** The file a file message shared: metadata and its download link (`GET /files/:id`). */
  attachment: { id: string; name: string; size: number; mimeType: string; url: string } | null;
  decisions: { source: string; actorId: string | null; action: string; reason: string; createdAt: string }[];
}

/** Every message of a conversation, with verdicts and decisions, in sequence order. */
export async function buildTranscript(db: Db, conversationId: string): Promise<TranscriptEntry[]> {
  const rows = await listTranscript(db, conversationId);
  const decisions = await listDecisionsOf(db, rows.map((row) => row.id));
  const byMessage = new Map<string, TranscriptEntry['decisions']>();
  for (const d of decisions) {
    const list = byMessage.get(d.messageId) ?? [];
    list.push({ source: d.source, actorId: d.actorId, action: d.action, reason: d.reason, createdAt: d.createdAt.toISOString() });
    byMessage.set(d.messageId, list);
  }
  return rows.map((row) => ({
    seq: row.seq, id: row.id, createdAt: row.createdAt.toISOString(), senderId: row.senderId, senderName: row.sender.displayName,
    senderRole: row.sender.role, status: row.status, action: row.action, severity: row.severity, categories: row.categories,
    body: row.body, deliveredBody: row.deliveredBody, verdict: row.verdict, decisions: byMessage.get(row.id) ?? [],
    attachment: row.attachment && {
      id: row.attachment.id, name: row.attachment.originalName, size: Number(row.attachment.size), mimeType: row.attachment.mimeType, url: `/files/${row.attachment.id}`,
    },
  }));
}

/** A CSV field (RFC 4180), with formula-looking text defused for spreadsheet users. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = ['seq', 'createdAt', 'senderName', 'senderRole', 'senderId', 'status', 'action', 'severity', 'categories', 'body', 'deliveredBody', 'decisions', 'attachment'] as const;

/**
 * The transcript as CSV: one row per message; decisions as `source:action (reason)` joined by ` | `;
 * a shared file as `name (type, size bytes) link`.
 */
export function transcriptCsv(entries: readonly TranscriptEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const decisions = e.decisions.map((d) => `${d.source}:${d.action} (${d.reason})`).join(' | ');
    const attachment = e.attachment ? `${e.attachment.name} (${e.attachment.mimeType}, ${e.attachment.size} bytes) ${e.attachment.url}` : '';
    const values = [String(e.seq), e.createdAt, e.senderName, e.senderRole, e.senderId, e.status, e.action, e.severity, e.categories.join(' '), e.body, e.deliveredBody, decisions, attachment];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
