/** Conversations, their members and their messages. */
import { Prisma, type MessageStatus, type PrismaClient } from '../generated/prisma/client.ts';
import { inTransaction, type Db } from '../db/client.ts';

/** What access checks need to know about a conversation. */
export interface ConversationAccess {
  id: string;
  lastSeq: number;
  mentorshipId: string;
  mentorshipStatus: string;
  programId: string;
  members: { userId: string; role: 'student' | 'mentor' | 'coordinator' | 'admin' }[];
}

/** A conversation with its mentorship's state and its members' roles, or null. */
export async function getConversationAccess(db: Db, conversationId: string): Promise<ConversationAccess | null> {
  const row = await db.conversation.findUnique({
    where: { id: conversationId },
    select: {
      id: true,
      lastSeq: true,
      mentorship: { select: { id: true, status: true, programId: true } },
      members: { select: { userId: true, user: { select: { role: true } } } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    lastSeq: row.lastSeq,
    mentorshipId: row.mentorship.id,
    mentorshipStatus: row.mentorship.status,
    programId: row.mentorship.programId,
    members: row.members.map((member) => ({ userId: member.userId, role: member.user.role })),
  };
}

/** The conversations a user is a member of (any mentorship status), with their last sequence numbers. */
export async function listConversationCursors(db: Db, userId: string): Promise<{ conversationId: string; lastSeq: number }[]> {
  const rows = await db.conversationMember.findMany({
    where: { userId },
    select: { conversationId: true, conversation: { select: { lastSeq: true } } },
  });
  return rows.map((row) => ({ conversationId: row.conversationId, lastSeq: row.conversation.lastSeq }));
}

/** A user's conversations with their mentorship and read position. */
export function listConversationsOfUser(db: Db, userId: string) {
  return db.conversationMember.findMany({
    where: { userId },
    select: {
      lastReadSeq: true,
      conversation: {
        select: {
          id: true,
          lastSeq: true,
          mentorship: { select: { id: true, kind: true, status: true } },
          members: { select: { userId: true, lastReadSeq: true, user: { select: { displayName: true, role: true } } } },
        },
      },
    },
  });
}

/** The stored fields of a message that delivery and history need. */
export const MESSAGE_FIELDS = {
  id: true,
  conversationId: true,
  seq: true,
  senderId: true,
  clientId: true,
  body: true,
  deliveredBody: true,
  status: true,
  action: true,
  severity: true,
  categories: true,
  createdAt: true,
  attachment: { select: { id: true, originalName: true, size: true, mimeType: true } },
} as const satisfies Prisma.MessageSelect;

/** A stored message. */
export type StoredMessage = Prisma.MessageGetPayload<{ select: typeof MESSAGE_FIELDS }>;

/** A message to append, with its screening outcome. */
export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientId: string;
  body: string;
  deliveredBody: string;
  status: MessageStatus;
  action: string;
  severity: string;
  categories: string[];
  verdict: Prisma.InputJsonValue;
  /** The file this message announces, stored in the same transaction. */
  attachment?: NewAttachment;
}

/** A stored file announced by a message (its bytes are already in the file store). */
export interface NewAttachment {
  sha256: string;
  size: number;
  mimeType: string;
  originalName: string;
  metadataStripped: boolean;
}

/**
 * Appends a message at the conversation's next sequence number. The row lock taken by the increment
 * serialises writers of one conversation, so sequence numbers commit in order with no gaps.
 * `within` runs in the same transaction after the insert (the verdict's decision and audit rows).
 * Returns null when the sender already used this client id (nothing is written).
 */
export async function appendMessage(
  prisma: PrismaClient,
  message: NewMessage,
  within?: (tx: Prisma.TransactionClient, stored: StoredMessage) => Promise<void>,
): Promise<StoredMessage | null> {
  try {
    return await inTransaction(prisma, async (tx) => {
      const { lastSeq } = await tx.conversation.update({
        where: { id: message.conversationId },
        data: { lastSeq: { increment: 1 } },
        select: { lastSeq: true },
      });
      const { attachment, ...fields } = message;
      const stored = await tx.message.create({
        data: {
          ...fields,
          seq: lastSeq,
          attachment: attachment && { create: { ...attachment, conversationId: message.conversationId, uploaderId: message.senderId } },
        },
        select: MESSAGE_FIELDS,
      });
      await within?.(tx, stored);
      return stored;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
    throw error;
  }
}

/** The message a sender sent with a client id, if any. */
export function findMessageByClientId(db: Db, senderId: string, clientId: string): Promise<StoredMessage | null> {
  return db.message.findUnique({ where: { senderId_clientId: { senderId, clientId } }, select: MESSAGE_FIELDS });
}

/** Which messages a viewer may see: members see delivered ones and their own pending or rejected ones. */
export function visibleTo(viewerId: string): Prisma.MessageWhereInput {
  return { OR: [{ status: 'delivered' }, { senderId: viewerId, status: { in: ['held', 'rejected'] } }] };
}

/** A page of a conversation's messages by sequence, oldest first. */
export function listMessages(
  db: Db,
  conversationId: string,
  range: { afterSeq?: number; beforeSeq?: number; limit: number; visibility?: Prisma.MessageWhereInput },
): Promise<StoredMessage[]> {
  return db.message.findMany({
    where: { conversationId, seq: { gt: range.afterSeq, lt: range.beforeSeq }, ...range.visibility },
    orderBy: { seq: range.beforeSeq !== undefined && range.afterSeq === undefined ? 'desc' : 'asc' },
    take: range.limit,
    select: MESSAGE_FIELDS,
  }).then((rows) => rows.sort((a, b) => a.seq - b.seq));
}

/** Moves a member's read marker forward (never back); returns the marker now stored. */
export async function markRead(db: Db, conversationId: string, userId: string, seq: number): Promise<number> {
  await db.conversationMember.updateMany({
    where: { conversationId, userId, lastReadSeq: { lt: seq } },
    data: { lastReadSeq: seq, readAt: new Date() },
  });
  const member = await db.conversationMember.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { lastReadSeq: true },
  });
  return member?.lastReadSeq ?? 0;
}

/** Recent screened signals of a conversation (messages with categories), oldest first. */
export function listRecentSignals(db: Db, conversationId: string, since: Date) {
  return db.message.findMany({
    where: { conversationId, createdAt: { gte: since }, NOT: { categories: { isEmpty: true } } },
    orderBy: { seq: 'asc' },
    take: 100,
    select: { createdAt: true, categories: true, severity: true, sender: { select: { role: true } } },
  });
}
