/** Alerts to a program's coordinators. */
import type { AlertStatus, Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/** An alert to raise. */
export interface NewAlert {
  programId: string;
  conversationId: string;
  messageId: string | null;
  source: 'screening' | 'failure' | 'report' | 'escalation';
  severity: string;
  categories: string[];
  reason: string;
  conversationRisk: number;
}

/** A stored alert. */
export type StoredAlert = Prisma.AlertGetPayload<object>;

/** Raises an alert. */
export function createAlert(db: Db, alert: NewAlert): Promise<StoredAlert> {
  return db.alert.create({ data: alert });
}

/** A program's alerts, newest first, with the total for paging. */
export async function listAlerts(
  db: Db,
  filter: { programId: string; status?: AlertStatus; severity?: string; conversationId?: string; limit: number; offset: number },
): Promise<{ items: StoredAlert[]; total: number }> {
  const where: Prisma.AlertWhereInput = {
    programId: filter.programId,
    status: filter.status,
    severity: filter.severity,
    conversationId: filter.conversationId,
  };
  const [items, total] = await Promise.all([
    db.alert.findMany({ where, orderBy: { createdAt: 'desc' }, take: filter.limit, skip: filter.offset }),
    db.alert.count({ where }),
  ]);
  return { items, total };
}

/** One alert of a program, or null. */
export function getAlert(db: Db, programId: string, id: string): Promise<StoredAlert | null> {
  return db.alert.findFirst({ where: { id, programId } });
}

/** Alerts about a message, oldest first. */
export function listAlertsOfMessage(db: Db, messageId: string): Promise<StoredAlert[]> {
  return db.alert.findMany({ where: { messageId }, orderBy: { createdAt: 'asc' } });
}

/** Moves an alert from one of `from` to `to`; returns whether it moved (false: someone else moved it). */
export async function moveAlert(db: Db, id: string, from: AlertStatus[], to: 'acknowledged' | 'resolved', actorId: string, at: Date): Promise<boolean> {
  const data = to === 'acknowledged' ? { status: to, acknowledgedById: actorId, acknowledgedAt: at } : { status: to, resolvedById: actorId, resolvedAt: at };
  const { count } = await db.alert.updateMany({ where: { id, status: { in: from } }, data });
  return count === 1;
}

/** Resolves every unresolved alert about a message (after a review decision closed it). */
export async function resolveAlertsOfMessage(db: Db, messageId: string, actorId: string, at: Date): Promise<number> {
  const { count } = await db.alert.updateMany({
    where: { messageId, status: { in: ['open', 'acknowledged'] } },
    data: { status: 'resolved', resolvedById: actorId, resolvedAt: at },
  });
  return count;
}
