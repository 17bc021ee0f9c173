/** Decisions about messages: every screening verdict and every coordinator decision is a new row. */
import type { DecisionSource, Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/** A decision to record. */
export interface NewDecision {
  messageId: string;
  source: DecisionSource;
  actorId: string | null;
  action: string;
  reason: string;
  details: Prisma.InputJsonValue;
}

/** Records a decision (never updates one). */
export function recordDecision(db: Db, decision: NewDecision) {
  return db.decision.create({ data: decision });
}

/** Records several decisions in one statement (the verdicts of a batch of sends). */
export async function recordDecisions(db: Db, decisions: NewDecision[]): Promise<void> {
  if (decisions.length > 0) await db.decision.createMany({ data: decisions });
}

/** The decisions about a message, oldest first. */
export function listDecisions(db: Db, messageId: string) {
  return db.decision.findMany({ where: { messageId }, orderBy: { createdAt: 'asc' } });
}

/** The decisions about several messages, oldest first (for transcripts). */
export function listDecisionsOf(db: Db, messageIds: string[]) {
  return db.decision.findMany({ where: { messageId: { in: messageIds } }, orderBy: { createdAt: 'asc' } });
}
