/**
 * Records screenings with their messages, in the same transaction or statement: each verdict as a
 * decision row, the review state and the alert when screening raised one, and the audit entries
 * (last, since they take the chain's head lock). Alerts are published after commit.
 */
import type { ScreeningResult } from '../../moderation/types.ts';
import type { DecisionSource, Prisma } from '../generated/prisma/client.ts';
import type { ScreenedEvent, ScreeningRecorder } from '../messaging/send-batch.ts';
import { createAlert, type StoredAlert } from '../repositories/alerts.ts';
import { appendAuditBatch, type NewAuditEntry } from '../repositories/audit.ts';
import { decisionsInsert, type NewDecision } from '../repositories/decisions.ts';
import { executeTogether } from '../db/statements.ts';
import { createReview } from '../repositories/reviews.ts';
import { sha256 } from './digest.ts';
import type { AlertPublisher } from './alerts.ts';

/** Who decided a verdict: the system when screening failed, a model when one scored, else the rules. */
function sourceOf(result: ScreeningResult): DecisionSource {
  if (result.failure) return 'system';
  return result.scores ? 'model' : 'rule';
}

/** Why, in a sentence. */
function reasonOf(result: ScreeningResult): string {
  if (result.failure) return `screening failed at ${result.failure.stage}: ${result.failure.reason}`;
  if (result.alert) return result.alert.reason;
  return result.categories.length > 0 ? `found ${result.categories.join(', ')}` : 'nothing found';
}

/** The audit entry of a screened message. */
function auditEntryOf({ message, result, sender, conversation }: ScreenedEvent, alert: StoredAlert | undefined): NewAuditEntry {
  const bodySha256 = sha256(message.body);
  return {
    actorId: sender.id,
    kind: 'message.screened',
    subjectIds: [message.id, conversation.id],
    at: message.createdAt,
    data: {
      seq: message.seq, status: message.status, action: result.action, severity: result.severity, categories: result.categories,
      stageVersions: result.stageVersions, failure: result.failure, alertId: alert?.id,
      bodySha256, deliveredBodySha256: message.deliveredBody === message.body ? bodySha256 : sha256(message.deliveredBody),
      ...(message.attachment && { attachment: { ...message.attachment, size: Number(message.attachment.size) } }),
    },
  };
}

/** Opens the review of a message screening raised, and its alert when it raised one. */
async function raise(tx: Prisma.TransactionClient, { message, result, conversation }: ScreenedEvent): Promise<StoredAlert | undefined> {
  const review = { messageId: message.id, programId: conversation.programId, conversationId: conversation.id, severity: result.severity, categories: result.categories };
  await createReview(tx, review);
  if (!result.alert) return undefined;
  return createAlert(tx, {
    programId: conversation.programId,
    conversationId: conversation.id,
    messageId: message.id,
    source: result.failure ? 'failure' : 'screening',
    severity: result.alert.severity,
    categories: result.categories,
    reason: result.alert.reason,
    conversationRisk: result.conversationRisk,
  });
}

/** Whether a verdict opens a review (and maybe an alert). */
const raises = (result: ScreeningResult): boolean => result.action !== 'deliver' || Boolean(result.alert);

/** The decision row of a screening verdict. */
function decisionOf({ message, result }: ScreenedEvent): NewDecision {
  return {
    messageId: message.id,
    source: sourceOf(result),
    actorId: null,
    action: result.action,
    reason: reasonOf(result),
    details: JSON.parse(JSON.stringify({ stageVersions: result.stageVersions, spans: result.spans, failure: result.failure, scores: result.scores })),
  };
}

/**
 * Builds the recorder the message service calls for each batch of sends. In a transaction: the
 * batch's own inserts and the decisions, a review (and alert) per message that screening raised,
 * and the audit entries last, in the messages' order; with nothing raised all of it is one
 * statement. With nothing raised the batch may instead be written in one statement that numbers the
 * messages itself (`quiet`).
 */
export function createScreeningRecorder(alerts: AlertPublisher, onPublishError: (error: unknown) => void): ScreeningRecorder {
  return {
    async inTransaction(tx: Prisma.TransactionClient, events: readonly ScreenedEvent[], inserts: readonly Prisma.Sql[]) {
      const writes = [...inserts, decisionsInsert(events.map(decisionOf))];
      // Reviews and alerts refer to their messages: the messages go first when there are any.
      const raising = events.some((event) => raises(event.result));
      if (raising) await executeTogether(tx, writes);
      const raised: { alert: StoredAlert; scores: ScreeningResult['scores'] }[] = [];
      const entries: NewAuditEntry[] = [];
      for (const event of events) {
        const alert = raises(event.result) ? await raise(tx, event) : undefined;
        if (alert) raised.push({ alert, scores: event.result.scores });
        entries.push(auditEntryOf(event, alert));
      }
      await appendAuditBatch(tx, entries, raising ? [] : writes);
      if (raised.length === 0) return undefined;
      // NOTE: the alert rows are committed with their messages, so the queue has them whatever happens
      // here; a failed live push (bus down) must not fail sends that are already stored and acknowledged.
      return async () => {
        for (const { alert, scores } of raised) await alerts.publish(alert, scores).catch(onPublishError);
      };
    },
    quiet(events: readonly ScreenedEvent[]) {
      if (events.some((event) => raises(event.result))) return null;
      return {
        decisions: events.map(decisionOf),
        audit: events.map((event) => ({ messageId: event.message.id, entry: auditEntryOf(event, undefined) })),
      };
    },
  };
}
