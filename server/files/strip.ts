/**
 * Removes image metadata (EXIF with GPS location, XMP, comments, text chunks) before an image can be
 * downloaded by anyone else. Each format's structure is walked with positional reads of segment
 * headers only, giving a plan of byte ranges to keep; the plan is then copied to a new file in small
 * chunks, so memory stays bounded whatever the image size. A file that cannot be walked is refused
 * (fail closed) rather than stored with its metadata.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { TrellisError } from '../errors.ts';

/** A piece of the output: a byte range of the source (`[start, end)`) or literal bytes. */
type Piece = { start: number; end: number } | { bytes: Buffer };

/** Most pieces (segments kept) one image may have: more means a crafted file. */
const MAX_PIECES = 100_000;
const CHUNK = 256 * 1024;

function malformed(why: string): TrellisError {
  return new TrellisError('FILE_MALFORMED', `The image is damaged: ${why}`);
}

class Plan {
  readonly pieces: Piece[] = [];

  copy(start: number, end: number): void {
    if (end <= start) return;
    const last = this.pieces.at(-1);
    if (last && 'start' in last && last.end === start) last.end = end;
    else this.push({ start, end });
  }

  bytes(bytes: Buffer): void {
    this.push({ bytes });
  }

  push(piece: Piece): void {
    if (this.pieces.length >= MAX_PIECES) throw malformed('too many segments');
    this.pieces.push(piece);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** JPEG APPn segments kept, by the identifier they start with: everything else APPn or COM goes. */
const JPEG_KEPT_APP: Record<number, string> = { 0xe0: 'JFIF\0', 0xe2: 'ICC_PROFILE\0', 0xee: 'Adobe' };

/**
 * Position of the next JPEG marker at or after `from` in entropy-coded data (skipping stuffed
 * `FF 00`, restart markers and fill bytes), or -1.
 */
async function nextJpegMarker(handle: FileHandle, from: number, size: number): Promise<number> {
  const buffer = Buffer.alloc(CHUNK);
  for (let base = from; base < size - 1; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - base), base);
    if (bytesRead < 2) break;
    const chunk = buffer.subarray(0, bytesRead);
    for (let i = chunk.indexOf(0xff); i >= 0 && i < chunk.length - 1; i = chunk.indexOf(0xff, i + 1)) {
      const next = chunk[i + 1] as number;
      if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
      return base + i;
    }
    // Overlap by one byte so a marker split across chunks is seen.
    base += chunk.length - 1;
  }
  return -1;
}

async function planJpeg(handle: FileHandle, size: number): Promise<Plan> {
  const plan = new Plan();
  const soi = await readAt(handle, 0, 2);
  if (soi[0] !== 0xff || soi[1] !== 0xd8) throw malformed('no JPEG start marker');
  plan.copy(0, 2);
  let position = 2;
  for (;;) {
    const head = await readAt(handle, position, 4);
    if (head.length < 2 || head[0] !== 0xff) throw malformed(`no marker at byte ${position}`);
    const marker = head[1] as number;
    if (marker === 0xff) {
      position += 1;
      continue;
    }
    if (marker === 0xd9) {
      // NOTE: nothing after the end-of-image marker is kept: phones append further images (with
      // their own EXIF) and vendor trailers there.
      plan.copy(position, position + 2);
      return plan;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      plan.copy(position, position + 2);
      position += 2;
      continue;
    }
    if (head.length < 4) throw malformed('truncated segment');
    const end = position + 2 + head.readUInt16BE(2);
    if (end > size || end < position + 4) throw malformed(`bad segment length at byte ${position}`);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (isApp || marker === 0xfe) {
      const kept = JPEG_KEPT_APP[marker];
      const id = kept ? (await readAt(handle, position + 4, kept.length)).toString('latin1') : '';
      if (kept && id === kept) plan.copy(position, end);
    } else {
      plan.copy(position, end);
    }
    position = end;
    if (marker === 0xda) {
      // Start of scan: entropy-coded data runs to the next marker (more tables, scans or metadata).
      const next = await nextJpegMarker(handle, position, size);
      if (next < 0) throw malformed('no end-of-image marker');
      plan.copy(position, next);
      position = next;
    }
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG chunks that carry metadata: EXIF, text (author, comments, XMP in iTXt) and timestamps. */
const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

async function planPng(handle: FileHandle, size: number): Promise<Plan> {
  const plan = new Plan();
  if (!(await readAt(handle, 0, 8)).equals(PNG_SIGNATURE)) throw malformed('no PNG signature');
  plan.copy(0, 8);
  for (let position = 8; ; ) {
    const head = await readAt(handle, position, 8);
    if (head.length < 8) throw malformed('no IEND chunk');
    const type = head.toString('latin1', 4, 8);
    const end = position + 12 + head.readUInt32BE(0);
    if (end > size) throw malformed(`chunk ${type} runs past the end`);
    if (!PNG_DROPPED.has(type)) plan.copy(position, end);
    position = end;
    if (type === 'IEND') return plan;
  }
}

/** WebP chunks that carry metadata, and the VP8X flag bits announcing them. */
const WEBP_DROPPED = new Set(['EXIF', 'XMP ']);
const VP8X_METADATA_FLAGS = 0x08 | 0x04;

async function planWebp(handle: FileHandle, size: number): Promise<Plan> {
  const header = await readAt(handle, 0, 12);
  if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WEBP') {
    throw malformed('no RIFF/WEBP header');
  }
  const riffEnd = 8 + header.readUInt32LE(4);
  if (riffEnd > size) throw malformed('RIFF size past the end');
  const body = new Plan();
  let bodySize = 0;
  for (let position = 12; position < riffEnd; ) {
    const head = await readAt(handle, position, 8);
    if (head.length < 8) throw malformed('truncated chunk');
    const fourcc = head.toString('latin1', 0, 4);
    const length = head.readUInt32LE(4);
    const end = position + 8 + length + (length % 2);
    if (end > riffEnd) throw malformed(`chunk ${fourcc} runs past the end`);
    if (fourcc === 'VP8X' && length >= 1) {
      const chunk = await readAt(handle, position, end - position);
      chunk[8] = (chunk[8] as number) & ~VP8X_METADATA_FLAGS;
      body.bytes(chunk);
      bodySize += chunk.length;
    } else if (!WEBP_DROPPED.has(fourcc)) {
      body.copy(position, end);
      bodySize += end - position;
    }
    position = end;
  }
  const plan = new Plan();
  const riff = Buffer.from(header);
  riff.writeUInt32LE(4 + bodySize, 4);
  plan.bytes(riff);
  for (const piece of body.pieces) plan.push(piece);
  return plan;
}

const PLANNERS: Record<string, (handle: FileHandle, size: number) => Promise<Plan>> = {
  'image/jpeg': planJpeg,
  'image/png': planPng,
  'image/webp': planWebp,
};

/** Whether Trellis strips metadata of this MIME type. */
export function canStrip(mimeType: string): boolean {
  return Object.hasOwn(PLANNERS, mimeType);
}

/**
 * Writes `source` without its metadata to `target`; returns the SHA-256 and size of what was
 * written. Throws FILE_MALFORMED when the image's structure is broken.
 */
export async function stripImageMetadata(source: string, target: string, mimeType: string): Promise<{ sha256: string; size: number }> {
  const planner = PLANNERS[mimeType];
  if (!planner) throw new Error(`no metadata stripper for ${mimeType}`);
  const input = await open(source, 'r');
  try {
    const plan = await planner(input, (await input.stat()).size);
    const output = await open(target, 'wx');
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(CHUNK);
      let size = 0;
      const write = async (bytes: Buffer) => {
        hash.update(bytes);
        await output.write(bytes);
        size += bytes.length;
      };
      for (const piece of plan.pieces) {
        if ('bytes' in piece) {
          await write(piece.bytes);
          continue;
        }
        for (let at = piece.start; at < piece.end; ) {
          const { bytesRead } = await input.read(buffer, 0, Math.min(CHUNK, piece.end - at), at);
          if (bytesRead === 0) throw malformed('shorter than its structure says');
          await write(buffer.subarray(0, bytesRead));
          at += bytesRead;
        }
      }
      await output.sync();
      return { sha256: hash.digest('hex'), size };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}
