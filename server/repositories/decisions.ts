/** Decisions about messages: every screening verdict and every coordinator decision is a new row. */
import { randomUUID } from 'node:crypto';
import { Prisma, type DecisionSource } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { jsonRecords } from '../db/statements.ts';

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

/**
 * The statement that records several decisions (the verdicts of a batch of sends); see
 * `executeTogether`. With `among`, the name of a relation of messages ("id") written earlier in the
 * same statement, only the decisions about those are recorded.
 */
export function decisionsInsert(decisions: NewDecision[], among?: string): Prisma.Sql {
  const records = decisions.map((d) => ({ ...d, id: randomUUID() }));
  return Prisma.sql`
    INSERT INTO "Decision" ("id", "messageId", "source", "actorId", "action", "reason", "details")
    SELECT d."id", d."messageId", d."source"::"DecisionSource", d."actorId", d."action", d."reason", d."details"
    FROM ${jsonRecords(records, 'd', '"id" text, "messageId" text, "source" text, "actorId" text, "action" text, "reason" text, "details" jsonb')}
    ${among ? Prisma.sql`WHERE d."messageId" IN (SELECT "id" FROM ${Prisma.raw(among)})` : Prisma.empty}`;
}

/** The decisions about a message, oldest first. */
export function listDecisions(db: Db, messageId: string) {
  return db.decision.findMany({ where: { messageId }, orderBy: { createdAt: 'asc' } });
}

/** The decisions about several messages, oldest first (for transcripts). */
export function listDecisionsOf(db: Db, messageIds: string[]) {
  return db.decision.findMany({ where: { messageId: { in: messageIds } }, orderBy: { createdAt: 'asc' } });
}
