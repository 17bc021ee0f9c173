/** Review state of messages raised by screening or by reports: the coordinators' queue. */
import { SEVERITIES, type Severity } from '../../moderation/types.ts';
import type { Prisma, ReviewStatus } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/** The rank of a severity name (unknown names rank as none). */
export function severityRank(severity: string): number {
  return Math.max(0, SEVERITIES.indexOf(severity as Severity));
}

/**
 * Opens (or re-opens) the review of a message: severity and categories only grow, a report's
 * priority only rises.
 */
export async function openReview(
  db: Db,
  review: { messageId: string; programId: string; conversationId: string; severity: string; categories: string[]; reportPriority?: number },
): Promise<void> {
  const existing = await db.review.findUnique({ where: { messageId: review.messageId } });
  if (!existing) {
    await db.review.create({
      data: { ...review, severityRank: severityRank(review.severity), reportPriority: review.reportPriority ?? 0 },
    });
    return;
  }
  const higher = severityRank(review.severity) > existing.severityRank;
  await db.review.update({
    where: { messageId: review.messageId },
    data: {
      status: existing.status === 'resolved' ? 'pending' : existing.status,
      severity: higher ? review.severity : existing.severity,
      severityRank: Math.max(existing.severityRank, severityRank(review.severity)),
      categories: [...new Set([...existing.categories, ...review.categories])].sort(),
      reportPriority: Math.max(existing.reportPriority, review.reportPriority ?? 0),
    },
  });
}

/** Creates the review of a freshly screened message (a single insert on the send path). */
export async function createReview(
  db: Db,
  review: { messageId: string; programId: string; conversationId: string; severity: string; categories: string[] },
): Promise<void> {
  await db.review.create({ data: { ...review, severityRank: severityRank(review.severity) } });
}

/** Sets a review's status. */
export async function setReviewStatus(db: Db, messageId: string, status: ReviewStatus): Promise<void> {
  await db.review.updateMany({ where: { messageId }, data: { status } });
}

/** The review of a message, or null. */
export function getReview(db: Db, messageId: string) {
  return db.review.findUnique({ where: { messageId } });
}

/** Fields of a queued message that the queue shows. */
const QUEUE_MESSAGE = {
  id: true,
  conversationId: true,
  seq: true,
  senderId: true,
  body: true,
  deliveredBody: true,
  status: true,
  action: true,
  createdAt: true,
  sender: { select: { displayName: true, role: true } },
} as const satisfies Prisma.MessageSelect;

/** A page of a program's review queue: reported first, then most severe, then oldest. */
export async function listQueue(
  db: Db,
  filter: { programId: string; status?: ReviewStatus; severity?: string; category?: string; conversationId?: string; limit: number; offset: number },
) {
  const where: Prisma.ReviewWhereInput = {
    programId: filter.programId,
    status: filter.status,
    severity: filter.severity,
    conversationId: filter.conversationId,
    categories: filter.category ? { has: filter.category } : undefined,
  };
  const [items, total] = await Promise.all([
    db.review.findMany({
      where,
      orderBy: [{ reportPriority: 'desc' }, { severityRank: 'desc' }, { createdAt: 'asc' }],
      take: filter.limit,
      skip: filter.offset,
      include: { message: { select: QUEUE_MESSAGE } },
    }),
    db.review.count({ where }),
  ]);
  return { items, total };
}
