/** Conversations, their members and their messages. */
import { Prisma, type MessageStatus, type PrismaClient } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import type { DirectSql } from '../db/direct-sql.ts';
import { jsonRecords } from '../db/statements.ts';

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

/** A message to insert but its sequence number: its id and time are chosen by the writer. */
export interface UnnumberedMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientId: string;
  body: string;
  deliveredBody: string;
  status: MessageStatus;
  action: string;
  severity: string;
  categories: string[];
  /** The screening verdict, stored as its JSON serialisation. */
  verdict: object;
  createdAt: Date;
  /** The file this message announces, stored in the same transaction. */
  attachment?: NewAttachment & { id: string };
}

/** A message to insert, complete: its id, sequence number and time are chosen by the writer. */
export interface NewMessage extends UnnumberedMessage {
  seq: number;
}

/** A stored file announced by a message (its bytes are already in the file store). */
export interface NewAttachment {
  sha256: string;
  size: number;
  mimeType: string;
  originalName: string;
  metadataStripped: boolean;
}

/** A conversation's sequence counter (before the append) and mentorship state, read under its row lock. */
export interface LockedConversation {
  lastSeq: number;
  mentorshipStatus: string;
}

/**
 * The query that locks conversations for appending, in id order, so that writers on several nodes
 * never wait on each other in a cycle: each row's id, counter ("lastSeq") and mentorship status.
 */
function lockConversations(ids: string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT c."id", c."lastSeq", m."status"::text AS "status"
    FROM "Conversation" c JOIN "Mentorship" m ON m."id" = c."mentorshipId"
    WHERE c."id" = ANY(${ids}::text[])
    ORDER BY c."id"
    FOR UPDATE OF c`;
}

/**
 * Locks conversations for appending and reserves sequence numbers in one statement: each
 * conversation whose mentorship is active advances its counter by the number of messages it gets
 * (`counts`); every locked conversation is returned with its counter as it was before, so its new
 * messages take `lastSeq + 1 …`. The locks are held until the transaction ends, so appends to one
 * conversation commit in sequence order with no gaps.
 */
export async function reserveSequences(tx: Prisma.TransactionClient, counts: Map<string, number>): Promise<Map<string, LockedConversation>> {
  const ids = [...counts.keys()];
  const rows = await tx.$queryRaw<{ id: string; lastSeq: number; status: string }[]>(Prisma.sql`
    WITH locked AS (${lockConversations(ids)}), advanced AS (
      UPDATE "Conversation" AS c SET "lastSeq" = l."lastSeq" + v."count"
      FROM locked l JOIN unnest(${ids}::text[], ${[...counts.values()]}::int[]) AS v("id", "count") ON v."id" = l."id"
      WHERE c."id" = l."id" AND l."status" = 'active'
      RETURNING c."id"
    )
    SELECT l."id", l."lastSeq", l."status" FROM locked l LEFT JOIN advanced a ON a."id" = l."id"`);
  return new Map(rows.map((row) => [row.id, { lastSeq: Number(row.lastSeq), mentorshipStatus: row.status }]));
}

/** The columns of a message row but its sequence number, in the order of `messageValues`. */
const MESSAGE_COLUMNS = Prisma.raw(
  '"id", "conversationId", "senderId", "clientId", "body", "deliveredBody", "status", "action", "severity", "categories", "verdict", "createdAt"',
);

/** `MESSAGE_COLUMNS`' values read from a row of `messageRecords` named `r`. */
function messageValues(r: string): Prisma.Sql {
  return Prisma.raw(
    [
      `${r}."id", ${r}."conversationId", ${r}."senderId", ${r}."clientId", ${r}."body", COALESCE(${r}."deliveredBody", ${r}."body"), ${r}."status"::"MessageStatus"`,
      `${r}."action", ${r}."severity", ARRAY(SELECT jsonb_array_elements_text(${r}."categories")), ${r}."verdict", ${r}."createdAt"::timestamp(3)`,
    ].join(', '),
  );
}

/**
 * Messages as a relation `r` with their position "n" (1, 2, …) and, when they have one, their
 * "seq" (see `jsonRecords`). A "deliveredBody" the same as the body is left out (null), so the text
 * travels once; `messageValues` puts it back.
 */
function messageRecords(rows: readonly (UnnumberedMessage & { seq?: number })[]): Prisma.Sql {
  // NOTE: one statement over all rows, not `createMany`: the client's per-row argument handling costs
  // more than the database's insert.
  const records = rows.map((row, i) => ({
    id: row.id, conversationId: row.conversationId, senderId: row.senderId, clientId: row.clientId, body: row.body,
    deliveredBody: row.deliveredBody === row.body ? null : row.deliveredBody,
    status: row.status, action: row.action, severity: row.severity, categories: row.categories, verdict: row.verdict,
    createdAt: row.createdAt.toISOString(), seq: row.seq, n: i + 1,
  }));
  return jsonRecords(records, 'r', [
    '"id" text, "conversationId" text, "senderId" text, "clientId" text, "body" text, "deliveredBody" text, "status" text, "action" text',
    '"severity" text, "categories" jsonb, "verdict" jsonb, "createdAt" text, "seq" int, "n" int',
  ].join(', '));
}

/** The name of the relation `numberedMessageInserts` gives the messages it stores. */
export const NUMBERED = '"numbered"';

/**
 * The common table expressions (for the head of a `WITH` list) that append messages without a
 * sequence number yet, in one statement: lock their conversations (see `lockConversations`), number
 * the messages of each conversation whose mentorship is active from its counter on, in order,
 * advance the counters and insert the messages. A message whose sender already used its client id
 * (a resend) is neither numbered nor stored. `NUMBERED` holds the stored ones: "id", "seq", "n" (the
 * message's position in `rows`) and "k" (its position among the stored ones), and "locked" every
 * conversation locked with its mentorship status. Fails with a unique-key violation (SQLSTATE 23505)
 * only when another writer stores the same client id meanwhile. Messages with files are not written
 * this way.
 */
export function numberedMessageInserts(rows: readonly UnnumberedMessage[]): Prisma.Sql {
  const ids = [...new Set(rows.map((row) => row.conversationId))];
  return Prisma.sql`locked AS (${lockConversations(ids)}), ${Prisma.raw(NUMBERED)} AS (
      SELECT r."id", r."conversationId", r."senderId", r."clientId", r."body", r."deliveredBody", r."status", r."action", r."severity",
             r."categories", r."verdict", r."createdAt", r."n", l."lastSeq" + row_number() OVER (PARTITION BY r."conversationId" ORDER BY r."n") AS "seq", row_number() OVER (ORDER BY r."n") AS "k"
      FROM ${messageRecords(rows)} JOIN locked l ON l."id" = r."conversationId"
      WHERE l."status" = 'active'
        AND NOT EXISTS (SELECT 1 FROM "Message" e WHERE e."senderId" = r."senderId" AND e."clientId" = r."clientId")
    ), advanced AS (
      UPDATE "Conversation" AS c SET "lastSeq" = v."lastSeq"
      FROM (SELECT "conversationId", max("seq") AS "lastSeq" FROM ${Prisma.raw(NUMBERED)} GROUP BY "conversationId") AS v
      WHERE c."id" = v."conversationId"
    ), inserted AS (
      INSERT INTO "Message" (${MESSAGE_COLUMNS}, "seq")
      SELECT ${messageValues('r')}, r."seq" FROM ${Prisma.raw(NUMBERED)} r
    ), `;
}

/**
 * The statements that insert messages (and the files they announce), to run in the transaction that
 * reserved their sequence numbers (see `executeTogether`). Running them fails with a unique-key
 * violation (SQLSTATE 23505) when a sender's client id is already taken.
 */
export function messageInserts(rows: NewMessage[]): Prisma.Sql[] {
  if (rows.length === 0) return [];
  const messages = Prisma.sql`
    INSERT INTO "Message" (${MESSAGE_COLUMNS}, "seq")
    SELECT ${messageValues('r')}, r."seq" FROM ${messageRecords(rows)}`;
  const files = rows.flatMap((row) => (row.attachment ? [{ ...row.attachment, messageId: row.id, conversationId: row.conversationId, uploaderId: row.senderId }] : []));
  if (files.length === 0) return [messages];
  return [
    messages,
    Prisma.sql`
    INSERT INTO "StoredFile" ("id", "conversationId", "uploaderId", "messageId", "sha256", "size", "mimeType", "originalName", "metadataStripped")
    SELECT f."id", f."conversationId", f."uploaderId", f."messageId", f."sha256", f."size", f."mimeType", f."originalName", f."metadataStripped"
    FROM ${jsonRecords(files, 'f', [
      '"id" text, "conversationId" text, "uploaderId" text, "messageId" text, "sha256" text, "size" bigint, "mimeType" text',
      '"originalName" text, "metadataStripped" boolean',
    ].join(', '))}`,
  ];
}

/** The messages as stored by `messageInserts`. */
export function storedMessagesOf(rows: NewMessage[]): StoredMessage[] {
  return rows.map((row) => ({
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    clientId: row.clientId,
    body: row.body,
    deliveredBody: row.deliveredBody,
    status: row.status,
    action: row.action,
    severity: row.severity,
    categories: row.categories,
    createdAt: row.createdAt,
    attachment: row.attachment
      ? { id: row.attachment.id, originalName: row.attachment.originalName, size: BigInt(row.attachment.size), mimeType: row.attachment.mimeType }
      : null,
  }));
}

/** The messages senders already sent with the given client ids (one query, files included). */
export async function findMessagesByClientIds(db: Db, keys: { senderId: string; clientId: string }[]): Promise<StoredMessage[]> {
  if (keys.length === 0) return [];
  const rows = await db.$queryRaw<(Omit<StoredMessage, 'attachment' | 'status'> & { status: StoredMessage['status']; fileId: string | null; fileName: string | null; fileSize: bigint | null; fileType: string | null })[]>(Prisma.sql`
    SELECT m."id", m."conversationId", m."seq", m."senderId", m."clientId", m."body", m."deliveredBody", m."status"::text AS "status",
           m."action", m."severity", m."categories", m."createdAt",
           f."id" AS "fileId", f."originalName" AS "fileName", f."size" AS "fileSize", f."mimeType" AS "fileType"
    FROM "Message" m
    JOIN unnest(${keys.map((key) => key.senderId)}::text[], ${keys.map((key) => key.clientId)}::text[]) AS k("senderId", "clientId")
      ON m."senderId" = k."senderId" AND m."clientId" = k."clientId"
    LEFT JOIN "StoredFile" f ON f."messageId" = m."id"`);
  return rows.map(({ fileId, fileName, fileSize, fileType, ...message }) => ({
    ...message,
    seq: Number(message.seq),
    createdAt: new Date(message.createdAt),
    attachment: fileId === null ? null : { id: fileId, originalName: fileName ?? '', size: BigInt(fileSize ?? 0), mimeType: fileType ?? '' },
  }));
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

/** A screened signal of the past: a message that screening found something in. */
export interface RecentSignal {
  at: Date;
  senderRole: 'student' | 'mentor' | 'coordinator' | 'admin';
  categories: string[];
  severity: string;
}

/** Signals per page of `listRecentSignals`: the most recent ones of each conversation. */
const SIGNALS_PER_CONVERSATION = 100;

/**
 * The most recent screened signals (messages with categories) since a time, of each of several
 * conversations in one query; each conversation's list is oldest first.
 */
export async function listRecentSignals(direct: DirectSql, conversationIds: string[], since: Date): Promise<Map<string, RecentSignal[]>> {
  const signals = new Map<string, RecentSignal[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return signals;
  const rows = await direct.query<{ conversationId: string; createdAt: string; categories: string[]; severity: string; role: RecentSignal['senderRole'] }>(Prisma.sql`
    SELECT "conversationId", "createdAt", "categories", "severity", "role" FROM (
      SELECT m."conversationId", m."createdAt", m."categories", m."severity", u."role"::text AS "role", m."seq",
             row_number() OVER (PARTITION BY m."conversationId" ORDER BY m."seq" DESC) AS "recency"
      FROM "Message" m JOIN "User" u ON u."id" = m."senderId"
      WHERE m."conversationId" = ANY(${conversationIds}::text[]) AND m."createdAt" >= ${since} AND cardinality(m."categories") > 0
    ) AS recent
    WHERE "recency" <= ${SIGNALS_PER_CONVERSATION}
    ORDER BY "conversationId", "seq"`);
  for (const row of rows) {
    signals.get(row.conversationId)?.push({ at: new Date(row.createdAt), senderRole: row.role, categories: row.categories, severity: row.severity });
  }
  return signals;
}
