/**
 * Sending and reading messages, transport-free. A send is checked (membership, active mentorship,
 * length), screened through the one screening seam, persisted with its verdict and sequence number
 * in one transaction, acknowledged, then published on the bus for delivery.
 */
import type { Role, Screener, ScreeningRequest, ScreeningResult } from '../../moderation/types.ts';
import { redact } from '../../moderation/redact.ts';
import type { Bus } from '../bus/bus.ts';
import type { MessageStatus, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { TrellisError } from '../errors.ts';
import { recordVerdict, stageTimer, type TrellisMetrics } from '../metrics/metrics.ts';
import * as messages from '../repositories/messages.ts';
import type { ConversationAccess, StoredMessage } from '../repositories/messages.ts';
import type { AuthUser } from '../repositories/users.ts';
import type { ServerFrame, WireMessage } from '../realtime/protocol.ts';
import { toBusMessage, viewFor } from './message-view.ts';

/** How far back conversation-level risk looks. */
const RISK_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** A message stored with its verdict, as the screening recorder sees it. */
export interface ScreenedEvent {
  message: StoredMessage;
  result: ScreeningResult;
  conversation: ConversationAccess;
  sender: AuthUser;
}

/**
 * Records a screening inside the message's transaction (decision, review, alert and audit rows);
 * may return work to run after commit (publishing the alert).
 */
export type ScreeningRecorder = (
  tx: Prisma.TransactionClient,
  event: ScreenedEvent,
) => Promise<(() => Promise<void>) | undefined>;

/** What the message service needs. */
export interface MessageServiceOptions {
  prisma: PrismaClient;
  bus: Bus;
  screener: Screener;
  maxMessageChars: number;
  /** Records the verdict's rows in the message's own transaction. */
  recordScreening?: ScreeningRecorder;
  /** Counts verdicts and times the stages of a send, when the node exports metrics. */
  metrics?: TrellisMetrics;
}

/** The acknowledgement frame of a stored message (the same for every resend of its client id). */
export type AckFrame = Extract<ServerFrame, { type: 'ack' }>;

const STATUS_OF_ACTION: Record<ScreeningResult['action'], MessageStatus> = {
  deliver: 'delivered',
  flag: 'delivered',
  redact: 'delivered',
  hold: 'held',
  block: 'blocked',
};

/** Sends, reads and marks messages on behalf of authenticated users. */
export class MessageService {
  readonly #options: MessageServiceOptions;

  constructor(options: MessageServiceOptions) {
    this.#options = options;
  }

  /**
   * Checks that a user may read (`write: false`) or post in a conversation. Non-members get the same
   * error whether or not the conversation exists. Coordinators of the program may read.
   */
  async access(user: AuthUser, conversationId: string, write: boolean): Promise<ConversationAccess> {
    const conversation = await messages.getConversationAccess(this.#options.prisma, conversationId);
    const member = conversation?.members.some((m) => m.userId === user.id) ?? false;
    const overseer =
      !write && conversation !== null && (user.role === 'admin' || (user.role === 'coordinator' && user.programId === conversation.programId));
    if (!conversation || !(member || overseer)) throw new TrellisError('NOT_A_MEMBER');
    if (write && conversation.mentorshipStatus !== 'active') throw new TrellisError('MENTORSHIP_NOT_ACTIVE');
    return conversation;
  }

  /**
   * Sends a message; returns its acknowledgement, or throws `MESSAGE_BLOCKED` and other codes. A file
   * message carries its `attachment` and the verdict its name and text already got (`screened`).
   */
  async send(
    sender: AuthUser,
    input: { conversationId: string; clientId: string; body: string; attachment?: messages.NewAttachment; screened?: ScreeningResult },
  ): Promise<AckFrame> {
    if (input.body.length > this.#options.maxMessageChars) {
      throw new TrellisError('MESSAGE_TOO_LONG', `At most ${this.#options.maxMessageChars} characters`);
    }
    const { prisma } = this.#options;
    const timer = stageTimer(this.#options.metrics);
    const conversation = await this.access(sender, input.conversationId, true);
    timer.lap('access');
    const earlier = await messages.findMessageByClientId(prisma, sender.id, input.clientId);
    timer.lap('idempotency');
    if (earlier) {
      // NOTE: the first attempt may have stored the message and died before publishing it (a node
      // killed mid-send): publish again. Recipients drop sequence numbers they already hold.
      if (earlier.status !== 'blocked' && earlier.conversationId === input.conversationId) await this.#publish(earlier);
      return this.#ackOrRefuse(earlier, input);
    }

    const result = input.screened ?? (await this.screen(sender, conversation, input.body, 'message'));
    timer.lap('screen');
    recordVerdict(this.#options.metrics, result);
    const status = STATUS_OF_ACTION[result.action];
    const record = this.#options.recordScreening;
    let afterCommit: (() => Promise<void>) | undefined;
    const stored = await messages.appendMessage(prisma, {
      conversationId: conversation.id,
      senderId: sender.id,
      clientId: input.clientId,
      body: input.body,
      deliveredBody: result.action === 'redact' ? redact(input.body, result.spans) : input.body,
      status,
      action: result.action,
      severity: result.severity,
      categories: result.categories,
      verdict: JSON.parse(JSON.stringify(result)),
      attachment: input.attachment,
    }, record && (async (tx, row) => {
      afterCommit = await record(tx, { message: row, result, conversation, sender });
    }));
    timer.lap('store');
    if (!stored) {
      // A concurrent resend of the same client id won the race: answer as it was answered.
      const winner = await messages.findMessageByClientId(prisma, sender.id, input.clientId);
      if (!winner) throw new TrellisError('INTERNAL');
      return this.#ackOrRefuse(winner, input);
    }
    await afterCommit?.();
    timer.lap('on_screened');
    if (status !== 'blocked') await this.#publish(stored);
    timer.lap('publish');
    timer.total();
    return this.#ackOrRefuse(stored, input);
  }

  #publish(message: StoredMessage): Promise<void> {
    return this.#options.bus.deliverToConversation({ conversationId: message.conversationId, kind: 'message', message: toBusMessage(message) });
  }

  /** Screens a text a sender posts in a conversation (a message, or a file's name or text). */
  async screen(sender: AuthUser, conversation: ConversationAccess, text: string, kind: ScreeningRequest['kind']): Promise<ScreeningResult> {
    const now = new Date();
    const signals = await messages.listRecentSignals(this.#options.prisma, conversation.id, new Date(now.getTime() - RISK_WINDOW_MS));
    return this.#options.screener.screen({
      kind,
      text,
      programId: conversation.programId,
      conversationId: conversation.id,
      senderId: sender.id,
      senderRole: sender.role,
      recipientRoles: conversation.members.filter((m) => m.userId !== sender.id).map((m) => m.role as Role),
      priorSignals: signals.map((signal) => ({
        at: signal.createdAt,
        senderRole: signal.sender.role,
        categories: signal.categories,
        severity: signal.severity as ScreeningResult['severity'],
      })),
      at: now,
    });
  }

  #ackOrRefuse(message: StoredMessage, input: { conversationId: string; body: string }): AckFrame {
    if (message.conversationId !== input.conversationId || message.body !== input.body) {
      throw new TrellisError('CLIENT_ID_REUSED');
    }
    if (message.status === 'blocked') throw new TrellisError('MESSAGE_BLOCKED');
    const view = viewFor(message.senderId, toBusMessage(message));
    if (!view) throw new TrellisError('INTERNAL');
    return {
      type: 'ack',
      clientId: message.clientId,
      conversationId: message.conversationId,
      messageId: message.id,
      seq: message.seq,
      status: view.status,
      redacted: view.redacted,
      createdAt: view.createdAt,
    };
  }

  /** Messages of a conversation visible to the user, by sequence range (oldest first). */
  async history(
    user: AuthUser,
    conversationId: string,
    range: { afterSeq?: number; beforeSeq?: number; limit: number },
  ): Promise<{ messages: WireMessage[]; lastSeq: number }> {
    const conversation = await this.access(user, conversationId, false);
    const rows = await messages.listMessages(this.#options.prisma, conversationId, {
      ...range,
      visibility: messages.visibleTo(user.id),
    });
    return {
      messages: rows.map((row) => viewFor(user.id, toBusMessage(row))).filter((m): m is WireMessage => m !== null),
      lastSeq: conversation.lastSeq,
    };
  }

  /** Stores a member's read marker and tells the other members. */
  async markRead(user: AuthUser, conversationId: string, seq: number): Promise<number> {
    const conversation = await this.access(user, conversationId, false);
    if (!conversation.members.some((m) => m.userId === user.id)) throw new TrellisError('NOT_A_MEMBER');
    const stored = await messages.markRead(this.#options.prisma, conversationId, user.id, Math.min(seq, conversation.lastSeq));
    await this.#options.bus.deliverToConversation({ conversationId, kind: 'read', userId: user.id, seq: stored });
    return stored;
  }
}
