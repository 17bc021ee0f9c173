/** Decisions about messages: every screening verdict and every coordinator decision is a new row. */
import { randomUUID } from 'node:crypto';
import { Prisma, type DecisionSource } from '../generated/prisma/client.ts';
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

/**
 * The statement that records several decisions (the verdicts of a batch of sends); see
 * `executeTogether`. With `among`, the name of a relation of messages ("id") written earlier in the
 * same statement, only the decisions about those are recorded.
 */
export function decisionsInsert(decisions: NewDecision[], among?: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "Decision" ("id", "messageId", "source", "actorId", "action", "reason", "details")
    SELECT d."id", d."messageId", d."source"::"DecisionSource", d."actorId", d."action", d."reason", d."details"::jsonb
    FROM unnest(${decisions.map(() => randomUUID())}::text[], ${decisions.map((d) => d.messageId)}::text[], ${decisions.map((d) => d.source)}::text[],
                ${decisions.map((d) => d.actorId)}::text[], ${decisions.map((d) => d.action)}::text[], ${decisions.map((d) => d.reason)}::text[],
                ${decisions.map((d) => JSON.stringify(d.details))}::text[])
      AS d("id", "messageId", "source", "actorId", "action", "reason", "details")
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
