/**
 * Sharing files in conversations, transport-free. An upload is streamed to a staged file (never held
 * whole in memory) under the size and quota limits, typed by its content, stripped of image
 * metadata, screened (name and text) like a message, committed to the store under its SHA-256, and
 * announced in the conversation by a message carrying the file, at its sequence position: a held
 * verdict holds the file with its message. Downloads follow the message's visibility.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { ScreeningResult } from '../../moderation/types.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { TrellisError } from '../errors.ts';
import type { AckFrame, MessageService } from '../messaging/message-service.ts';
import { appendAudit } from '../repositories/audit.ts';
import * as files from '../repositories/files.ts';
import type { ConversationAccess } from '../repositories/messages.ts';
import type { AuthUser } from '../repositories/users.ts';
import { sanitiseFileName } from './names.ts';
import { checkAllowed, parseAllowList, sniffFile, type SniffedType } from './sniff.ts';
import type { ByteRange, FileStore } from './storage.ts';
import { canStrip, stripImageMetadata } from './strip.ts';
import { extractText, type TextLimits } from './text.ts';
import { combineVerdicts, forFileContent, unscreenedVerdict } from './verdict.ts';

/** Limits and defaults of file sharing. */
export interface FileLimits extends TextLimits {
  maxFileBytes: number;
  quotaBytes: number;
  /** Allow-list for programs that set none (kinds or MIME types). */
  defaultAllowList: string;
}

/** What the file service needs. */
export interface FileServiceOptions {
  prisma: PrismaClient;
  store: FileStore;
  messages: MessageService;
  limits: FileLimits;
}

/**
 * An upload as the transport hands it over: the client's name, the byte stream, and whether the
 * stream was cut at the size limit the transport enforced.
 */
export interface IncomingFile {
  filename: string;
  stream: Readable;
  truncated(): boolean;
}

/** The outcome of a successful upload: the file and the acknowledgement of its message. */
export interface UploadResult {
  file: { id: string; name: string; size: number; mimeType: string; sha256: string };
  message: AckFrame;
}

/** A file ready to be sent to a downloader. */
export interface Download {
  file: files.DownloadableFile;
  size: number;
  /** The part to send, or undefined for the whole file. */
  range?: ByteRange;
  open(): Readable;
}

/** A staged upload: its local path, SHA-256 and size. */
interface Staged {
  path: string;
  sha256: string;
  size: number;
}

/** Shares and serves files on behalf of authenticated users. */
export class FileService {
  readonly #options: FileServiceOptions;

  constructor(options: FileServiceOptions) {
    this.#options = options;
  }

  /**
   * How many bytes the user may upload now: the per-file limit, lowered by what is left of the
   * quota. Throws FILE_QUOTA_EXCEEDED when nothing is left. Call before reading the body.
   */
  async uploadAllowance(user: AuthUser): Promise<{ limit: number; byQuota: boolean }> {
    const { maxFileBytes, quotaBytes } = this.#options.limits;
    const left = quotaBytes - (await files.usedBytes(this.#options.prisma, user.id));
    if (left <= 0) throw new TrellisError('FILE_QUOTA_EXCEEDED', undefined, { quotaBytes });
    return { limit: Math.min(maxFileBytes, left), byQuota: left < maxFileBytes };
  }

  /** Checks that the user may post in the conversation (before any byte of the body is read). */
  checkCanPost(user: AuthUser, conversationId: string): Promise<ConversationAccess> {
    return this.#options.messages.access(user, conversationId, true);
  }

  /**
   * Stores, screens and announces one uploaded file. `allowance` is what `uploadAllowance` gave (the
   * transport enforces its limit while streaming and raises its size-limit error when passed).
   */
  async upload(
    user: AuthUser,
    conversation: ConversationAccess,
    incoming: IncomingFile,
    allowance: { byQuota: boolean },
  ): Promise<UploadResult> {
    const name = sanitiseFileName(incoming.filename);
    try {
      return await this.#store(user, conversation, name, incoming, allowance);
    } catch (error) {
      if (error instanceof TrellisError && error.code.startsWith('FILE_')) {
        // Refusals are audited: an attempt to send an executable or an oversized file is worth knowing.
        await appendAudit(this.#options.prisma, {
          actorId: user.id,
          kind: 'file.refused',
          subjectIds: [conversation.id],
          data: { name, code: error.code, ...(error.details && { details: error.details }) },
        });
      }
      throw error;
    }
  }

  async #store(
    user: AuthUser,
    conversation: ConversationAccess,
    name: string,
    incoming: IncomingFile,
    allowance: { byQuota: boolean },
  ): Promise<UploadResult> {
    const { store, prisma, limits } = this.#options;
    const received = await this.#receive(incoming, allowance);
    let staged = received;
    try {
      const type = await sniffFile(received.path, name);
      const programTypes = await files.programFileTypes(prisma, conversation.programId);
      checkAllowed(type, programTypes.length > 0 ? programTypes : parseAllowList(limits.defaultAllowList));
      const stripped = canStrip(type.mimeType);
      if (stripped) {
        const path = store.stagingPath();
        staged = { path, ...(await stripImageMetadata(received.path, path, type.mimeType).catch(async (error: unknown) => {
          await store.discard(path);
          throw error;
        })) };
        await store.discard(received.path);
      }
      const verdict = await this.#screen(user, conversation, name, type, staged.path);
      await store.commit(staged.path, staged);
      return await this.#announce(user, conversation, { name, type, staged, stripped, verdict });
    } finally {
      await store.discard(received.path);
      await store.discard(staged.path);
    }
  }

  /** Streams the body to a staged file, hashing it on the way. Nothing is left behind on failure. */
  async #receive(incoming: IncomingFile, allowance: { byQuota: boolean }): Promise<Staged> {
    const { store, limits } = this.#options;
    const path = store.stagingPath();
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        incoming.stream,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path, { flags: 'wx', flush: true }),
      );
      if (incoming.truncated()) {
        throw allowance.byQuota
          ? new TrellisError('FILE_QUOTA_EXCEEDED', undefined, { quotaBytes: limits.quotaBytes })
          : new TrellisError('FILE_TOO_LARGE', `At most ${limits.maxFileBytes} bytes`, { maxBytes: limits.maxFileBytes });
      }
    } catch (error) {
      await store.discard(path);
      throw error;
    }
    return { path, sha256: hash.digest('hex'), size };
  }

  /** Screens the name and any text; one verdict, the most restrictive action winning. */
  async #screen(user: AuthUser, conversation: ConversationAccess, name: string, type: SniffedType, path: string): Promise<ScreeningResult> {
    const { messages, limits } = this.#options;
    const nameVerdict = await messages.screen(user, conversation, name, 'file-name');
    const extracted = await extractText(path, type.kind, limits);
    const content: ScreeningResult[] = [];
    if (extracted && extracted.text.trim() !== '') {
      content.push(forFileContent(await messages.screen(user, conversation, extracted.text, 'file-text')));
    }
    if (extracted && !extracted.complete) content.push(unscreenedVerdict(extracted.reason ?? 'text not fully screened'));
    return combineVerdicts(nameVerdict, content);
  }

  /** Sends the file's message; if that fails before a row refers to the content, the content goes. */
  async #announce(
    user: AuthUser,
    conversation: ConversationAccess,
    upload: { name: string; type: SniffedType; staged: Staged; stripped: boolean; verdict: ScreeningResult },
  ): Promise<UploadResult> {
    const { prisma, store, messages } = this.#options;
    const { name, type, staged, stripped, verdict } = upload;
    let ack: AckFrame;
    try {
      ack = await messages.send(user, {
        conversationId: conversation.id,
        clientId: `file:${randomUUID()}`,
        body: name,
        screened: verdict,
        attachment: { sha256: staged.sha256, size: staged.size, mimeType: type.mimeType, originalName: name, metadataStripped: stripped },
      });
    } catch (error) {
      if (error instanceof TrellisError && error.code === 'MESSAGE_BLOCKED') {
        // The blocked file stays stored with its message, for coordinators; nobody else can fetch it.
        throw new TrellisError('FILE_BLOCKED');
      }
      if ((await files.countReferences(prisma, staged.sha256)) === 0) await store.remove(staged.sha256);
      throw error;
    }
    const row = await prisma.storedFile.findUniqueOrThrow({ where: { messageId: ack.messageId }, select: { id: true } });
    return { file: { id: row.id, name, size: staged.size, mimeType: type.mimeType, sha256: staged.sha256 }, message: ack };
  }

  /**
   * A file the user may download, with the range to send. Anyone who may not see it (not a member,
   * or a held file of someone else) gets NOT_FOUND, the same as for a file that does not exist.
   */
  async download(user: AuthUser, fileId: string, rangeHeader: string | undefined): Promise<Download> {
    const { prisma, store, messages } = this.#options;
    const file = await files.findFileForDownload(prisma, fileId);
    if (!file) throw new TrellisError('NOT_FOUND');
    const conversation = await messages.access(user, file.conversationId, false).catch(() => null);
    if (!conversation || !mayDownload(user, conversation, file)) throw new TrellisError('NOT_FOUND');
    const size = Number(file.size);
    const range = parseRange(rangeHeader, size);
    await appendAudit(prisma, {
      actorId: user.id,
      kind: 'file.downloaded',
      subjectIds: [file.id, file.conversationId],
      data: { sha256: file.sha256, status: file.message.status, ...(range && { range: `${range.start}-${range.end}` }) },
    });
    return { file, size, range, open: () => store.read(file.sha256, range) };
  }
}

/**
 * Whether a user with read access to the conversation may download a file: delivered files to all
 * members, held or rejected ones to their uploader, and every file to the program's coordinators.
 */
function mayDownload(user: AuthUser, conversation: ConversationAccess, file: files.DownloadableFile): boolean {
  const overseer = user.role === 'admin' || (user.role === 'coordinator' && user.programId === conversation.programId);
  if (overseer) return true;
  switch (file.message.status) {
    case 'delivered':
      return true;
    case 'held':
    case 'rejected':
      return file.message.senderId === user.id;
    case 'blocked':
      return false;
    default: {
      const unreachable: never = file.message.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/**
 * The byte range asked for by a `Range` header (one range; several or a malformed header mean the
 * whole file, as RFC 9110 allows). Throws RANGE_NOT_SATISFIABLE for a range outside the file.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first = '', last = ''] = match;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw new TrellisError('RANGE_NOT_SATISFIABLE', undefined, { size });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return undefined;
  }
  if (start >= size) throw new TrellisError('RANGE_NOT_SATISFIABLE', undefined, { size });
  return { start, end };
}
