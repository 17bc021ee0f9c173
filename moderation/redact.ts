import type { Span } from './types.ts';

/** The character that replaces each redacted character. */
export const REDACTION_MARK = '•';

/**
 * Masks the given spans of a text for recipients, one mark per UTF-16 unit so the length and the
 * surrounding text stay as written. Overlapping and out-of-range spans are tolerated.
 */
export function redact(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const masked = new Uint8Array(text.length);
  for (const { start, end } of spans) masked.fill(1, Math.max(0, start), Math.min(text.length, end));
  let out = '';
  for (let i = 0; i < text.length; i++) out += masked[i] ? REDACTION_MARK : text[i];
  return out;
}
