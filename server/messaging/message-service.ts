/**
 * Sending and reading messages, transport-free. A send is checked (membership, active mentorship,
 * length), screened through the one screening seam, persisted with its verdict and sequence number
 * in one statement or transaction, published on the bus for delivery, then acknowledged.
 */
import type { Role, Screener, ScreeningRequest, ScreeningResult } from '../../moderation/types.ts';
import type { Bus } from '../bus/bus.ts';
import type { DirectSql } from '../db/direct-sql.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { TrellisError } from '../errors.ts';
import type { TrellisMetrics } from '../metrics/metrics.ts';
import * as messages from '../repositories/messages.ts';
import type { ConversationAccess, RecentSignal } from '../repositories/messages.ts';
import type { AuthUser } from '../repositories/users.ts';
import type { ReadCaches } from '../cache/invalidation.ts';
import type { WireMessage } from '../realtime/protocol.ts';
import { GroupCommit } from './group-commit.ts';
import { toBusMessage, viewFor } from './message-view.ts';
import { RISK_WINDOW_MS, SendBatchWriter, type AckFrame, type PendingSend, type PreparedBatch, type ScreeningRecorder } from './send-batch.ts';

export type { AckFrame, ScreenedEvent, ScreeningRecorder } from './send-batch.ts';

/** Largest number of sends written in one transaction. */
const MAX_SEND_BATCH = 200;

/** What the message service needs. */
export interface MessageServiceOptions {
  prisma: PrismaClient;
  /** The hottest statements, past Prisma (see `direct-sql.ts`). */
  direct: DirectSql;
  /** Whether the database runs statements in the order they are sent (see `Database`). */
  writesInOrder: boolean;
  bus: Bus;
  screener: Screener;
  maxMessageChars: number;
  /** Records the verdicts' rows in their messages' own transaction. */
  recordScreening?: ScreeningRecorder;
  /** Counts verdicts and times the stages of a send, when the node exports metrics. */
  metrics?: TrellisMetrics;
  /** The node's caches of conversation access, history pages and recent signals. */
  caches: Pick<ReadCaches, 'access' | 'history' | 'signals'>;
}

/** Sends, reads and marks messages on behalf of authenticated users. */
export class MessageService {
  readonly #options: MessageServiceOptions;
  readonly #sends: GroupCommit<PendingSend, AckFrame, PreparedBatch | null>;

  constructor(options: MessageServiceOptions) {
    this.#options = options;
    const writer = new SendBatchWriter({
      prisma: options.prisma,
      direct: options.direct,
      writesInOrder: options.writesInOrder,
      bus: options.bus,
      signals: options.caches.signals,
      access: (user, conversationId) => this.access(user, conversationId, true),
      screen: (send, conversation, signals, at) => this.#screen(send.sender, conversation, send.body, 'message', signals, at),
      recordScreening: options.recordScreening,
      metrics: options.metrics,
    });
    this.#sends = new GroupCommit({
      prepare: (batch) => writer.prepare(batch),
      write: (_batch, prepared) => writer.write(prepared),
      maxBatch: MAX_SEND_BATCH,
      keyOf: (send) => `${send.sender.id}\u0000${send.clientId}`,
      onDepth: (depth) => options.metrics?.queueDepth.set({ queue: 'send_batch' }, depth),
    });
  }

  /**
   * Checks that a user may read (`write: false`) or post in a conversation. Non-members get the same
   * error whether or not the conversation exists. Coordinators of the program may read. The access
   * comes from the node's cache: its `lastSeq` lags behind newer messages.
   */
  async access(user: AuthUser, conversationId: string, write: boolean): Promise<ConversationAccess> {
    const conversation = await this.#options.caches.access.get(conversationId);
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
   * Sends arriving together are written together (see `group-commit.ts`). A send is queued before
   * this returns, so sends get their sequence numbers in the order of the calls, even when a caller
   * does not wait for one answer before the next send.
   */
  async send(sender: AuthUser, input: Omit<PendingSend, 'sender'>): Promise<AckFrame> {
    if (input.body.length > this.#options.maxMessageChars) {
      throw new TrellisError('MESSAGE_TOO_LONG', `At most ${this.#options.maxMessageChars} characters`);
    }
    return this.#sends.submit({ ...input, sender });
  }

  /** Screens a text a sender posts in a conversation (a file's name or text), with its recent signals. */
  async screen(sender: AuthUser, conversation: ConversationAccess, text: string, kind: ScreeningRequest['kind']): Promise<ScreeningResult> {
    const at = new Date();
    const signals = await this.#options.caches.signals.get([conversation.id], new Date(at.getTime() - RISK_WINDOW_MS));
    return this.#screen(sender, conversation, text, kind, signals.get(conversation.id) ?? [], at);
  }

  #screen(
    sender: AuthUser,
    conversation: ConversationAccess,
    text: string,
    kind: ScreeningRequest['kind'],
    signals: readonly RecentSignal[],
    at: Date,
  ): Promise<ScreeningResult> {
    return this.#options.screener.screen({
      kind,
      text,
      programId: conversation.programId,
      conversationId: conversation.id,
      senderId: sender.id,
      senderRole: sender.role,
      recipientRoles: conversation.members.filter((m) => m.userId !== sender.id).map((m) => m.role as Role),
      priorSignals: signals.map((signal) => ({
        at: signal.at,
        senderRole: signal.senderRole,
        categories: signal.categories,
        severity: signal.severity as ScreeningResult['severity'],
      })),
      at,
    });
  }

  /**
   * Messages of a conversation visible to the user, by sequence range (oldest first). A page that
   * nothing changed since this node read it comes from the node's cache (shared: not to be modified).
   */
  async history(
    user: AuthUser,
    conversationId: string,
    range: { afterSeq?: number; beforeSeq?: number; limit: number },
  ): Promise<{ messages: WireMessage[]; lastSeq: number }> {
    await this.access(user, conversationId, false);
    const { prisma } = this.#options;
    return this.#options.caches.history.page(conversationId, user.id, range, async () => {
      // The cached access's lastSeq lags: read the current one, before the page so the page holds every message up to it.
      const current = await messages.getConversationAccess(prisma, conversationId);
      const rows = await messages.listMessages(prisma, conversationId, { ...range, visibility: messages.visibleTo(user.id) });
      return {
        messages: rows.map((row) => viewFor(user.id, toBusMessage(row))).filter((m): m is WireMessage => m !== null),
        lastSeq: current?.lastSeq ?? 0,
      };
    });
  }

  /** Stores a member's read marker and tells the other members. */
  async markRead(user: AuthUser, conversationId: string, seq: number): Promise<number> {
    const conversation = await this.access(user, conversationId, false);
    if (!conversation.members.some((m) => m.userId === user.id)) throw new TrellisError('NOT_A_MEMBER');
    // The cached access's lastSeq lags: a marker may go up to the current one.
    const current = await messages.getConversationAccess(this.#options.prisma, conversationId);
    const stored = await messages.markRead(this.#options.prisma, conversationId, user.id, Math.min(seq, current?.lastSeq ?? 0));
    await this.#options.bus.deliverToConversation({ conversationId, kind: 'read', userId: user.id, seq: stored });
    return stored;
  }
}
