/** Messages as coordinators see them: every status, the original text and the verdict. */
import type { MessageStatus, Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { MESSAGE_FIELDS, type StoredMessage } from './messages.ts';

/** A message with everything review needs: the verdict, the sender's role and the conversation's program and members. */
export function getMessageForReview(db: Db, id: string) {
  return db.message.findUnique({
    where: { id },
    select: {
      ...MESSAGE_FIELDS,
      verdict: true,
      sender: { select: { displayName: true, role: true } },
      conversation: {
        select: {
          mentorshipId: true,
          mentorship: { select: { programId: true } },
          members: { select: { userId: true } },
        },
      },
    },
  });
}

/** A message loaded for review. */
export type ReviewedMessage = NonNullable<Awaited<ReturnType<typeof getMessageForReview>>>;

/** Fields of a message in a coordinator's context view or transcript. */
export const ORIGINAL_FIELDS = {
  ...MESSAGE_FIELDS,
  severity: true,
  categories: true,
  sender: { select: { displayName: true, role: true } },
} as const satisfies Prisma.MessageSelect;

/** Messages of a conversation around a sequence number (any status), oldest first. */
export async function listAround(db: Db, conversationId: string, seq: number, before: number, after: number) {
  const [earlier, later] = await Promise.all([
    before > 0
      ? db.message.findMany({ where: { conversationId, seq: { lt: seq } }, orderBy: { seq: 'desc' }, take: before, select: ORIGINAL_FIELDS })
      : [],
    after > 0
      ? db.message.findMany({ where: { conversationId, seq: { gt: seq } }, orderBy: { seq: 'asc' }, take: after, select: ORIGINAL_FIELDS })
      : [],
  ]);
  return { before: earlier.reverse(), after: later };
}

/**
 * Changes a message's status and delivered text only if it still has the expected status; returns
 * the updated message, or null when another decision got there first.
 */
export async function updateMessageIf(
  db: Db,
  id: string,
  expected: MessageStatus,
  data: { status?: MessageStatus; deliveredBody?: string; action?: string },
): Promise<StoredMessage | null> {
  const { count } = await db.message.updateMany({ where: { id, status: expected }, data });
  if (count === 0) return null;
  return db.message.findUnique({ where: { id }, select: MESSAGE_FIELDS });
}

/** Every message of a mentorship's conversation with its verdict, by sequence (for transcripts). */
export function listTranscript(db: Db, conversationId: string) {
  return db.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' }, select: { ...ORIGINAL_FIELDS, verdict: true } });
}

/** A mentorship's program and conversation, or null. */
export function getMentorshipScope(db: Db, mentorshipId: string) {
  return db.mentorship.findUnique({ where: { id: mentorshipId }, select: { id: true, programId: true, conversation: { select: { id: true } } } });
}
