/**
 * What a file is, judged by its content (magic bytes), never by its name: executables, scripts and
 * archives are refused with their own codes, everything else must be on the program's allow-list.
 * The name only chooses between text flavours (plain, CSV, Markdown) once the content is known to be
 * text, and flags script extensions.
 */
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import { TrellisError } from '../errors.ts';

/** The broad kinds an allow-list may name. */
export type FileKind = 'image' | 'pdf' | 'office' | 'text';

/** A sniffed, allowed type. */
export interface SniffedType {
  kind: FileKind;
  mimeType: string;
}

/** Types Trellis can serve, by the extension `file-type` reports. */
const BINARY_TYPES: Record<string, SniffedType> = {
  jpg: { kind: 'image', mimeType: 'image/jpeg' },
  png: { kind: 'image', mimeType: 'image/png' },
  webp: { kind: 'image', mimeType: 'image/webp' },
  pdf: { kind: 'pdf', mimeType: 'application/pdf' },
  docx: { kind: 'office', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { kind: 'office', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pptx: { kind: 'office', mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  odt: { kind: 'office', mimeType: 'application/vnd.oasis.opendocument.text' },
  ods: { kind: 'office', mimeType: 'application/vnd.oasis.opendocument.spreadsheet' },
  odp: { kind: 'office', mimeType: 'application/vnd.oasis.opendocument.presentation' },
  rtf: { kind: 'office', mimeType: 'application/rtf' },
};

/** Programs, installers and packages that run code. */
const EXECUTABLES = new Set([
  'exe', 'elf', 'macho', 'wasm', 'class', 'jar', 'apk', 'crx', 'xpi', 'deb', 'rpm', 'dmg', 'lnk', 'swf', 'reg', 'chm',
  'asar', 'alias', 'cfb',
]);
/** Office documents with macros: code that runs when opened. */
const MACRO_DOCUMENTS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'pptm', 'potm', 'ppsm']);
const ARCHIVES = new Set([
  'zip', 'tar', 'rar', 'gz', 'bz2', '7z', 'xz', 'Z', 'lz', 'cab', 'ar', 'zst', 'lzh', 'arj', 'cpio', 'ace', 'lz4', 'tar.gz', 'epub',
]);
/** Extensions of text files that a system would run. */
const SCRIPT_EXTENSIONS = new Set([
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'mjs', 'cjs', 'jse', 'wsf', 'wsh', 'hta',
  'py', 'pyw', 'rb', 'pl', 'php', 'lua', 'applescript', 'scpt', 'command', 'desktop', 'html', 'htm', 'svg', 'xhtml', 'jar',
]);
/** Text flavours by extension; any other name of a text file is plain text. */
const TEXT_TYPES: Record<string, string> = { csv: 'text/csv', md: 'text/markdown', markdown: 'text/markdown', txt: 'text/plain' };

/** How much of a file is read to decide whether it is text. */
const TEXT_PROBE_BYTES = 64 * 1024;

/** The lower-case extension of a name, or ''. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether bytes are UTF-8 text without NUL or other binary control characters. */
function looksLikeText(bytes: Uint8Array, complete: boolean): boolean {
  for (const byte of bytes) {
    if (byte === 0 || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b)) return false;
  }
  try {
    // `stream: true` tolerates a character cut at the end of an incomplete probe.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

async function readHead(path: string, bytes: number): Promise<{ head: Uint8Array; complete: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, bytes + 1, 0);
    return { head: buffer.subarray(0, Math.min(bytesRead, bytes)), complete: bytesRead <= bytes };
  } finally {
    await handle.close();
  }
}

/** Sniffs a staged file's type; throws a file-type error code when it may not be shared at all. */
export async function sniffFile(path: string, originalName: string): Promise<SniffedType> {
  const detected = await fileTypeFromFile(path);
  if (detected) {
    if (EXECUTABLES.has(detected.ext)) throw new TrellisError('FILE_EXECUTABLE', undefined, { detected: detected.mime });
    if (MACRO_DOCUMENTS.has(detected.ext)) throw new TrellisError('FILE_SCRIPT', 'Documents with macros are not allowed', { detected: detected.mime });
    if (ARCHIVES.has(detected.ext)) throw new TrellisError('FILE_ARCHIVE', undefined, { detected: detected.mime });
    const known = BINARY_TYPES[detected.ext];
    if (!known) throw new TrellisError('FILE_TYPE_NOT_ALLOWED', undefined, { detected: detected.mime });
    return known;
  }
  const { head, complete } = await readHead(path, TEXT_PROBE_BYTES);
  // A DOS/Windows program starts with MZ; ELF and Mach-O are caught by file-type above.
  if (head[0] === 0x4d && head[1] === 0x5a) throw new TrellisError('FILE_EXECUTABLE');
  if (!looksLikeText(head, complete)) throw new TrellisError('FILE_TYPE_NOT_ALLOWED', undefined, { detected: 'application/octet-stream' });
  const text = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '');
  const extension = extensionOf(originalName);
  if (text.startsWith('#!') || SCRIPT_EXTENSIONS.has(extension)) throw new TrellisError('FILE_SCRIPT');
  return { kind: 'text', mimeType: TEXT_TYPES[extension] ?? 'text/plain' };
}

/**
 * Whether a type is on an allow-list of kinds (`image`, `pdf`, `office`, `text`) and MIME types;
 * throws FILE_TYPE_NOT_ALLOWED otherwise.
 */
export function checkAllowed(type: SniffedType, allowList: readonly string[]): void {
  if (!allowList.includes(type.kind) && !allowList.includes(type.mimeType)) {
    throw new TrellisError('FILE_TYPE_NOT_ALLOWED', undefined, { detected: type.mimeType, allowed: allowList });
  }
}

/** Parses a comma-separated allow-list. */
export function parseAllowList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
}
