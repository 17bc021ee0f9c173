/** Shared files: quota use, download look-ups and listings. Rows are created with their message (`messageInserts`). */
import type { Db } from '../db/client.ts';

/** Bytes of files a user has uploaded (every status: a blocked file still takes space). */
export async function usedBytes(db: Db, userId: string): Promise<number> {
  const result = await db.storedFile.aggregate({ where: { uploaderId: userId }, _sum: { size: true } });
  return Number(result._sum.size ?? 0n);
}

/** A file with what download access checks need: its conversation and its message's status and sender. */
export function findFileForDownload(db: Db, fileId: string) {
  return db.storedFile.findUnique({
    where: { id: fileId },
    select: {
      id: true,
      conversationId: true,
      uploaderId: true,
      sha256: true,
      size: true,
      mimeType: true,
      originalName: true,
      message: { select: { id: true, status: true, senderId: true } },
    },
  });
}

/** A file found for download. */
export type DownloadableFile = NonNullable<Awaited<ReturnType<typeof findFileForDownload>>>;

/** How many file rows refer to stored content (content is shared by identical uploads). */
export function countReferences(db: Db, sha256: string): Promise<number> {
  return db.storedFile.count({ where: { sha256 } });
}

/** Files of a program's mentorship conversation with their messages, oldest first (for transcripts). */
export function listFilesOfMentorship(db: Db, mentorshipId: string) {
  return db.storedFile.findMany({
    where: { conversation: { mentorshipId } },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      originalName: true,
      size: true,
      mimeType: true,
      sha256: true,
      metadataStripped: true,
      createdAt: true,
      uploaderId: true,
      message: { select: { id: true, seq: true, status: true, action: true } },
    },
  });
}

/** The allow-list a program set for files, empty when it uses the configured default. */
export async function programFileTypes(db: Db, programId: string): Promise<string[]> {
  const program = await db.program.findUnique({ where: { id: programId }, select: { fileTypes: true } });
  return program?.fileTypes ?? [];
}
