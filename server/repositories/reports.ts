/** Members' reports of messages. */
import type { ReportPriority } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/** Records a report. */
export function createReport(db: Db, report: { messageId: string; reporterId: string; reason: string; priority: ReportPriority }) {
  return db.report.create({ data: report });
}

/** The reports of a message, oldest first. */
export function listReportsOfMessage(db: Db, messageId: string) {
  return db.report.findMany({ where: { messageId }, orderBy: { createdAt: 'asc' } });
}

/** Reports about messages of a program, high priority first, then newest. */
export async function listReports(db: Db, filter: { programId: string; priority?: ReportPriority; limit: number; offset: number }) {
  const where = { priority: filter.priority, message: { conversation: { mentorship: { programId: filter.programId } } } };
  const [items, total] = await Promise.all([
    db.report.findMany({
      where,
      orderBy: [{ priority: 'desc' }, { createdAt: 'desc' }],
      take: filter.limit,
      skip: filter.offset,
      include: { message: { select: { id: true, conversationId: true, seq: true, senderId: true, status: true } } },
    }),
    db.report.count({ where }),
  ]);
  return { items, total };
}
