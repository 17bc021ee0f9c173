/**
 * Publishes alerts to a program's coordinators on every node, through the bus only. The event
 * carries the message as coordinators see it (the original text), the messages before it, the
 * categories, the severity, the conversation risk and model scores when a model ran.
 */
import type { Bus } from '../bus/bus.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { StoredAlert } from '../repositories/alerts.ts';
import { getMessageForReview, listAround } from '../repositories/moderated-messages.ts';

/** A message as an alert or a review shows it to coordinators. */
export interface OriginalMessage {
  id: string;
  seq: number;
  senderId: string;
  senderName: string;
  senderRole: string;
  /** The text as written. */
  body: string;
  /** What recipients see (masked when redacted). */
  deliveredBody: string;
  status: string;
  action: string;
  createdAt: string;
}

/** The alert frame's payload: `{ type: 'alert', alert: AlertPayload }` on coordinator sockets. */
export interface AlertPayload {
  programId: string;
  id: string;
  source: string;
  status: string;
  severity: string;
  categories: string[];
  reason: string;
  conversationRisk: number;
  createdAt: string;
  conversationId: string;
  mentorshipId: string | null;
  messageId: string | null;
  scores?: Record<string, number>;
  message: OriginalMessage | null;
  /** Messages just before it, oldest first. */
  context: OriginalMessage[];
}

/** Shapes a stored message (with its sender) for coordinators. */
export function originalOf(row: {
  id: string; seq: number; senderId: string; body: string; deliveredBody: string; status: string; action: string; createdAt: Date;
  sender: { displayName: string; role: string };
}): OriginalMessage {
  return {
    id: row.id, seq: row.seq, senderId: row.senderId, senderName: row.sender.displayName, senderRole: row.sender.role,
    body: row.body, deliveredBody: row.deliveredBody, status: row.status, action: row.action, createdAt: row.createdAt.toISOString(),
  };
}

/** Builds and publishes alert events. */
export class AlertPublisher {
  readonly #prisma: PrismaClient;
  readonly #bus: Bus;
  readonly #contextSize: number;

  constructor(options: { prisma: PrismaClient; bus: Bus; contextSize: number }) {
    this.#prisma = options.prisma;
    this.#bus = options.bus;
    this.#contextSize = options.contextSize;
  }

  /** The alert event of a stored alert, with its message and context read now. */
  async payload(alert: StoredAlert, scores?: Record<string, number>): Promise<AlertPayload> {
    const message = alert.messageId ? await getMessageForReview(this.#prisma, alert.messageId) : null;
    const context = message ? await listAround(this.#prisma, message.conversationId, message.seq, this.#contextSize, 0) : { before: [] };
    return {
      programId: alert.programId,
      id: alert.id,
      source: alert.source,
      status: alert.status,
      severity: alert.severity,
      categories: alert.categories,
      reason: alert.reason,
      conversationRisk: alert.conversationRisk,
      createdAt: alert.createdAt.toISOString(),
      conversationId: alert.conversationId,
      mentorshipId: message?.conversation.mentorshipId ?? null,
      messageId: alert.messageId,
      ...(scores ? { scores } : {}),
      message: message ? originalOf(message) : null,
      context: context.before.map(originalOf),
    };
  }

  /** Publishes an alert to its program's coordinators on every node. */
  async publish(alert: StoredAlert, scores?: Record<string, number>): Promise<void> {
    const payload = await this.payload(alert, scores);
    await this.#bus.publishAlert({ ...payload });
  }
}
