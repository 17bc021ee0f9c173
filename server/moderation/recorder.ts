/**
 * Records a screening in the message's own transaction: the verdict as a decision row, the review
 * state and the alert when screening raised one, and the audit entry (last, since it takes the
 * chain's head lock). Returns what to do after commit: publish the alert.
 */
import type { ScreeningResult } from '../../moderation/types.ts';
import type { DecisionSource, Prisma } from '../generated/prisma/client.ts';
import type { ScreeningRecorder } from '../messaging/message-service.ts';
import { createAlert, type StoredAlert } from '../repositories/alerts.ts';
import { appendAudit } from '../repositories/audit.ts';
import { recordDecision } from '../repositories/decisions.ts';
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

/** Builds the recorder the message service calls inside its transaction. */
export function createScreeningRecorder(alerts: AlertPublisher, onPublishError: (error: unknown) => void): ScreeningRecorder {
  return async (tx: Prisma.TransactionClient, { message, result, conversation, sender }) => {
    const reason = reasonOf(result);
    await recordDecision(tx, {
      messageId: message.id,
      source: sourceOf(result),
      actorId: null,
      action: result.action,
      reason,
      details: JSON.parse(JSON.stringify({ stageVersions: result.stageVersions, spans: result.spans, failure: result.failure, scores: result.scores })),
    });
    let alert: StoredAlert | null = null;
    if (result.action !== 'deliver' || result.alert) {
      const review = { messageId: message.id, programId: conversation.programId, conversationId: conversation.id, severity: result.severity, categories: result.categories };
      await createReview(tx, review);
      if (result.alert) {
        alert = await createAlert(tx, {
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
    }
    await appendAudit(tx, {
      actorId: sender.id,
      kind: 'message.screened',
      subjectIds: [message.id, conversation.id],
      at: message.createdAt,
      data: {
        seq: message.seq, status: message.status, action: result.action, severity: result.severity, categories: result.categories,
        stageVersions: result.stageVersions, failure: result.failure, alertId: alert?.id,
        bodySha256: sha256(message.body), deliveredBodySha256: sha256(message.deliveredBody),
        ...(message.attachment && { attachment: { ...message.attachment, size: Number(message.attachment.size) } }),
      },
    });
    if (!alert) return undefined;
    const raised = alert;
    // NOTE: the alert row is committed with the message, so the queue has it whatever happens here;
    // a failed live push (bus down) must not fail a send that is already stored and acknowledged.
    return () => alerts.publish(raised, result.scores).catch(onPublishError);
  };
}
