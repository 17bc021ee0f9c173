/**
 * The text of a file, for screening: plain text, CSV and Markdown as they are, PDFs through pdf.js
 * (offline, no eval, no fonts, bounded by a page count). Other kinds carry no screened text.
 */
import { open, readFile } from 'node:fs/promises';
import { getDocument } from './pdfjs.ts';
import type { FileKind } from './sniff.ts';

/** Bounds of an extraction. */
export interface TextLimits {
  /** Characters returned at most. */
  maxChars: number;
  /** PDF pages read at most. */
  maxPages: number;
}

/**
 * Extracted text. `complete` is false when the file holds more than the limits allow or could not be
 * read: the unscreened rest must then be looked at by a person.
 */
export interface ExtractedText {
  text: string;
  complete: boolean;
  /** Why extraction stopped early, when it did. */
  reason?: string;
}

async function plainText(path: string, limits: TextLimits): Promise<ExtractedText> {
  // UTF-8 takes at most 4 bytes per UTF-16 unit pair; read enough for maxChars and one byte more.
  const budget = limits.maxChars * 3 + 1;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(budget);
    const { bytesRead } = await handle.read(buffer, 0, budget, 0);
    const text = new TextDecoder().decode(buffer.subarray(0, bytesRead)).replace(/^\uFEFF/, '');
    const complete = bytesRead < budget && text.length <= limits.maxChars;
    return complete ? { text, complete } : { text: text.slice(0, limits.maxChars), complete, reason: 'text longer than the screening limit' };
  } finally {
    await handle.close();
  }
}

async function pdfText(path: string, limits: TextLimits): Promise<ExtractedText> {
  const data = new Uint8Array(await readFile(path));
  const task = getDocument({ data, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0 });
  try {
    const document = await task.promise;
    const parts: string[] = [];
    let chars = 0;
    const pages = Math.min(document.numPages, limits.maxPages);
    for (let number = 1; number <= pages && chars <= limits.maxChars; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : '')).join('');
      parts.push(text);
      chars += text.length;
      page.cleanup();
    }
    const text = parts.join('\n');
    if (document.numPages > limits.maxPages) return { text: text.slice(0, limits.maxChars), complete: false, reason: `more than ${limits.maxPages} pages` };
    if (text.length > limits.maxChars) return { text: text.slice(0, limits.maxChars), complete: false, reason: 'text longer than the screening limit' };
    return { text, complete: true };
  } catch (error) {
    return { text: '', complete: false, reason: `the PDF could not be read: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await task.destroy();
  }
}

/** The screenable text of a staged file of a sniffed kind, or null for kinds without text. */
export async function extractText(path: string, kind: FileKind, limits: TextLimits): Promise<ExtractedText | null> {
  switch (kind) {
    case 'text':
      return plainText(path, limits);
    case 'pdf':
      return pdfText(path, limits);
    case 'image':
    case 'office':
      return null;
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
