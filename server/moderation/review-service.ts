/**
 * Coordinators' review of a program's messages: decisions (approve, reject, redact, escalate,
 * dismiss), each a new decision row with who, when and why, applied live; members' reports;
 * alert acknowledgement. Every change is audited in its own transaction.
 */
import { redact } from '../../moderation/redact.ts';
import { maxSeverity } from '../../moderation/direction.ts';
import type { Severity, Span } from '../../moderation/types.ts';
import { CHANGE_KINDS, type Bus } from '../bus/bus.ts';
import { inTransaction } from '../db/client.ts';
import { TrellisError } from '../errors.ts';
import type { AlertStatus, MessageStatus, PrismaClient } from '../generated/prisma/client.ts';
import { toBusMessage, viewFor } from '../messaging/message-view.ts';
import { createAlert, getAlert, moveAlert, resolveAlertsOfMessage, type StoredAlert } from '../repositories/alerts.ts';
import { appendAudit } from '../repositories/audit.ts';
import { recordDecision } from '../repositories/decisions.ts';
import type { StoredMessage } from '../repositories/messages.ts';
import { getMessageForReview, updateMessageIf, type ReviewedMessage } from '../repositories/moderated-messages.ts';
import { createReport } from '../repositories/reports.ts';
import { openReview, setReviewStatus } from '../repositories/reviews.ts';
import type { AuthUser } from '../repositories/users.ts';
import type { AlertPublisher } from './alerts.ts';

/** A coordinator's decision about a message. */
export type ReviewAction = 'approve' | 'reject' | 'redact' | 'escalate' | 'dismiss';

/** Every review action. */
export const REVIEW_ACTIONS: readonly ReviewAction[] = ['approve', 'reject', 'redact', 'escalate', 'dismiss'];

/** What a decision changes in the message, by its status now. */
interface Change {
  status?: MessageStatus;
  deliveredBody?: string;
  action?: string;
}

/** The spans a coordinator's redaction masks: the given ones, else screening's, else the whole text. */
function spansToMask(message: ReviewedMessage, given: Span[] | undefined): Span[] {
  if (given && given.length > 0) return given;
  const verdict = message.verdict as { spans?: Span[]; findings?: { span?: Span }[] } | null;
  const found = [...(verdict?.spans ?? []), ...(verdict?.findings ?? []).flatMap((f) => (f.span ? [f.span] : []))];
  return found.length > 0 ? found : [{ start: 0, end: message.body.length }];
}

/** The change a decision makes, or a CONFLICT naming why it does not apply. */
function changeFor(message: ReviewedMessage, action: ReviewAction, spans: Span[]): Change | null {
  const { status } = message;
  const refuse = (why: string) => new TrellisError('CONFLICT', `Cannot ${action} a ${status} message: ${why}`);
  switch (action) {
    case 'approve':
      if (status === 'held') return { status: 'delivered', deliveredBody: message.body };
      if (status === 'delivered') return null;
      throw refuse('it was refused already');
    case 'reject':
      if (status === 'held' || status === 'delivered') return { status: 'rejected' };
      throw refuse('it is not visible to anyone but coordinators');
    case 'redact':
      if (status === 'held' || status === 'delivered') return { status: 'delivered', deliveredBody: redact(message.body, spans), action: 'redact' };
      throw refuse('it is not visible to anyone but coordinators');
    case 'dismiss':
      if (status === 'held') throw refuse('approve, reject or redact a held message');
      return null;
    case 'escalate':
      return null;
    default: {
      const unreachable: never = action;
      throw new Error(`unknown review action ${String(unreachable)}`);
    }
  }
}

/** Coordinators' decisions, reports and alerts. */
export class ReviewService {
  readonly #prisma: PrismaClient;
  readonly #bus: Bus;
  readonly #alerts: AlertPublisher;

  constructor(options: { prisma: PrismaClient; bus: Bus; alerts: AlertPublisher }) {
    this.#prisma = options.prisma;
    this.#bus = options.bus;
    this.#alerts = options.alerts;
  }

  /** A message of the coordinator's program, or NOT_FOUND (other programs' messages do not exist for them). */
  async messageFor(coordinator: AuthUser, messageId: string): Promise<ReviewedMessage> {
    const message = await getMessageForReview(this.#prisma, messageId);
    if (!message || coordinator.role !== 'coordinator' || message.conversation.mentorship.programId !== coordinator.programId) {
      throw new TrellisError('NOT_FOUND');
    }
    return message;
  }

  /** Applies a coordinator's decision, records it and tells the members and coordinators live. */
  async decide(coordinator: AuthUser, messageId: string, input: { action: ReviewAction; reason: string; spans?: Span[] }) {
    const message = await this.messageFor(coordinator, messageId);
    const spans = input.action === 'redact' ? spansToMask(message, input.spans) : [];
    const change = changeFor(message, input.action, spans);
    const programId = message.conversation.mentorship.programId;
    const now = new Date();
    const outcome = await inTransaction(this.#prisma, async (tx) => {
      let updated: StoredMessage = message;
      if (change) {
        const moved = await updateMessageIf(tx, message.id, message.status, change);
        if (!moved) throw new TrellisError('CONFLICT', 'Another decision changed this message first; reload it');
        updated = moved;
      }
      const decision = await recordDecision(tx, {
        messageId: message.id,
        source: 'coordinator',
        actorId: coordinator.id,
        action: input.action,
        reason: input.reason,
        details: { from: message.status, to: updated.status, ...(spans.length > 0 ? { spans: spans.map((s) => ({ start: s.start, end: s.end })) } : {}) },
      });
      const review = { messageId: message.id, programId, conversationId: message.conversationId, severity: message.severity, categories: message.categories };
      let alert: StoredAlert | null = null;
      if (input.action === 'escalate') {
        await openReview(tx, review);
        await setReviewStatus(tx, message.id, 'escalated');
        alert = await createAlert(tx, {
          programId,
          conversationId: message.conversationId,
          messageId: message.id,
          source: 'escalation',
          severity: maxSeverity(message.severity as Severity, 'high'),
          categories: message.categories,
          reason: `escalated by ${coordinator.displayName}: ${input.reason}`,
          conversationRisk: (message.verdict as { conversationRisk?: number } | null)?.conversationRisk ?? 0,
        });
      } else {
        await openReview(tx, review);
        await setReviewStatus(tx, message.id, 'resolved');
        await resolveAlertsOfMessage(tx, message.id, coordinator.id, now);
      }
      await appendAudit(tx, {
        actorId: coordinator.id,
        kind: 'review.decision',
        subjectIds: [message.id, message.conversationId, decision.id],
        at: now,
        data: { action: input.action, reason: input.reason, from: message.status, to: updated.status, spans, alertId: alert?.id },
      });
      return { decision, updated, alert };
    });
    await this.#announce(message, outcome.updated);
    if (outcome.alert) await this.#alerts.publish(outcome.alert);
    return { decision: outcome.decision, message: { id: outcome.updated.id, seq: outcome.updated.seq, status: outcome.updated.status, deliveredBody: outcome.updated.deliveredBody } };
  }

  /**
   * Tells every node what a decision changed (their caches drop the conversation's pages), then the
   * members.
   */
  async #announce(before: ReviewedMessage, after: StoredMessage): Promise<void> {
    if (before.status === after.status && before.deliveredBody === after.deliveredBody) return;
    const bus = toBusMessage(after);
    if (before.status === 'held' && after.status === 'delivered') {
      // The socket core delivers a released message at its sequence position.
      await this.#bus.deliverToConversation({ conversationId: after.conversationId, kind: 'message.released', message: bus });
      return;
    }
    await this.#bus.deliverToConversation({ conversationId: after.conversationId, kind: CHANGE_KINDS.message, messageId: after.id, seq: after.seq });
    await Promise.all(
      before.conversation.members.map(({ userId }) => {
        const view = viewFor(userId, bus);
        if (view) return this.#bus.notifyUser({ userId, kind: 'message.updated', message: view });
        if (before.status !== 'delivered') return undefined;
        return this.#bus.notifyUser({ userId, kind: 'message.withdrawn', conversationId: after.conversationId, messageId: after.id, seq: after.seq });
      }),
    );
  }

  /**
   * A member reports a message it can see. A student's report is high priority and raises an
   * alert; any report puts the message in the review queue.
   */
  async report(reporter: AuthUser, messageId: string, reason: string) {
    const message = await getMessageForReview(this.#prisma, messageId);
    const member = message?.conversation.members.some((m) => m.userId === reporter.id) ?? false;
    if (!message || !member || !viewFor(reporter.id, toBusMessage(message))) throw new TrellisError('NOT_FOUND');
    const student = reporter.role === 'student';
    const programId = message.conversation.mentorship.programId;
    const { report, alert } = await inTransaction(this.#prisma, async (tx) => {
      const report = await createReport(tx, { messageId, reporterId: reporter.id, reason, priority: student ? 'high' : 'normal' });
      await openReview(tx, {
        messageId, programId, conversationId: message.conversationId,
        severity: student ? maxSeverity(message.severity as Severity, 'high') : message.severity,
        categories: message.categories, reportPriority: student ? 2 : 1,
      });
      const alert = student
        ? await createAlert(tx, {
          programId, conversationId: message.conversationId, messageId, source: 'report', severity: 'high',
          categories: message.categories, reason: `reported by a student: ${reason}`,
          conversationRisk: (message.verdict as { conversationRisk?: number } | null)?.conversationRisk ?? 0,
        })
        : null;
      await appendAudit(tx, {
        actorId: reporter.id, kind: 'report.created', subjectIds: [messageId, message.conversationId, report.id],
        at: report.createdAt, data: { priority: report.priority, reason, alertId: alert?.id },
      });
      return { report, alert };
    });
    if (alert) await this.#alerts.publish(alert);
    return { id: report.id, messageId, priority: report.priority, createdAt: report.createdAt };
  }

  /** Acknowledges (open → acknowledged) or resolves (open/acknowledged → resolved) an alert of the coordinator's program. */
  async moveAlert(coordinator: AuthUser, alertId: string, to: 'acknowledged' | 'resolved'): Promise<StoredAlert> {
    if (coordinator.role !== 'coordinator' || !coordinator.programId) throw new TrellisError('NOT_FOUND');
    const programId = coordinator.programId;
    const from: AlertStatus[] = to === 'acknowledged' ? ['open'] : ['open', 'acknowledged'];
    return inTransaction(this.#prisma, async (tx) => {
      const alert = await getAlert(tx, programId, alertId);
      if (!alert) throw new TrellisError('NOT_FOUND');
      const now = new Date();
      if (!(await moveAlert(tx, alertId, from, to, coordinator.id, now))) throw new TrellisError('CONFLICT', `The alert is ${alert.status}`);
      await appendAudit(tx, { actorId: coordinator.id, kind: `alert.${to}`, subjectIds: [alertId], at: now, data: { from: alert.status } });
      return (await getAlert(tx, programId, alertId)) as StoredAlert;
    });
  }
}
