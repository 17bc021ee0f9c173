/**
 * Writes a batch of sends (see `group-commit.ts`). While the batch before it is being stored
 * (`prepare`): access checks, the recent signals of its conversations (from the node's cache, else
 * one query for the whole batch) and screening. Then (`write`) one write that locks the
 * conversations, hands out sequence numbers and stores the messages with their verdicts (decision,
 * review, alert and audit rows): one statement when screening raised nothing
 * (`one-statement-batch.ts`), else one transaction. Resends of a stored client id are answered with
 * the stored message, found by one query. Only once a batch has committed, and the batch sent before
 * it is done, are its messages published (one publication for the batch) and, once that is done,
 * each send acknowledged. On the embedded database, the next batch's statement is sent while a batch
 * in one statement is being stored (see `write`).
 */
import { randomUUID } from 'node:crypto';
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { redact } from '../../moderation/redact.ts';
import type { ScreeningResult } from '../../moderation/types.ts';
import { CHANGE_KINDS, type Bus, type ConversationEvent } from '../bus/bus.ts';
import type { RecentSignalsCache } from '../cache/signals-cache.ts';
import { inTransaction } from '../db/client.ts';
import type { DirectSql } from '../db/direct-sql.ts';
import { executeTogether } from '../db/statements.ts';
import { Prisma, type MessageStatus, type PrismaClient } from '../generated/prisma/client.ts';
import { TrellisError } from '../errors.ts';
import { recordVerdict, stageTimer, type TrellisMetrics } from '../metrics/metrics.ts';
import * as messages from '../repositories/messages.ts';
import type { ConversationAccess, NewAttachment, RecentSignal, StoredMessage } from '../repositories/messages.ts';
import type { AuthUser } from '../repositories/users.ts';
import type { ServerFrame } from '../realtime/protocol.ts';
import type { BatchEntry } from './group-commit.ts';
import { toBusMessage, viewFor } from './message-view.ts';
import { writeInOneStatement, type QuietRecords } from './one-statement-batch.ts';

/** How far back conversation-level risk looks. */
export const RISK_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * How often a batch is tried: again after a client id hit the unique key (a resend in a transaction,
 * or one taken meanwhile by another writer; the retry looks for earlier messages first), or after
 * losing a race with another writer (a deadlock).
 */
const ATTEMPTS = 4;

/** The acknowledgement frame of a stored message (the same for every resend of its client id). */
export type AckFrame = Extract<ServerFrame, { type: 'ack' }>;

/** One send waiting for its batch. A file message carries its attachment and its verdict (`screened`). */
export interface PendingSend {
  sender: AuthUser;
  conversationId: string;
  clientId: string;
  body: string;
  attachment?: NewAttachment;
  screened?: ScreeningResult;
}

/** A message stored with its verdict, as the screening recorder sees it. */
export interface ScreenedEvent {
  message: StoredMessage;
  result: ScreeningResult;
  conversation: ConversationAccess;
  sender: AuthUser;
}

/** Records screenings with their messages (decision, review, alert and audit rows). */
export interface ScreeningRecorder {
  /**
   * Records the screenings of a batch inside its transaction and runs `inserts`, the statements that
   * store the batch's messages, before anything that refers to them (or in the same statement; see
   * `executeTogether`). May return work to run after commit (publishing alerts).
   */
  inTransaction(tx: Prisma.TransactionClient, events: readonly ScreenedEvent[], inserts: readonly Prisma.Sql[]): Promise<(() => Promise<void>) | undefined>;
  /**
   * The rows that record a batch's screenings when none raised a review or an alert, for a batch
   * written in one statement (`one-statement-batch.ts`), in which the messages get their sequence
   * numbers (their `seq` here is 0); null when one raised something.
   */
  quiet(events: readonly ScreenedEvent[]): QuietRecords | null;
}

/** What the batch writer needs. */
export interface SendBatchDeps {
  prisma: PrismaClient;
  /** The hottest statements, past Prisma (see `direct-sql.ts`). */
  direct: DirectSql;
  bus: Bus;
  /**
   * The conversations' recent signals, as conversation risk reads them. The writer forgets those of
   * a conversation it stores a new signal in, and tells the other nodes to (`CHANGE_KINDS.signals`).
   */
  signals: Pick<RecentSignalsCache, 'get' | 'forget'>;
  /**
   * Whether the database runs statements one at a time, in the order they are sent (the embedded
   * database's one session). A batch written in one statement then lets the next batch be sent
   * before it commits (see `SendBatchWriter.write`).
   */
  writesInOrder: boolean;
  /** The conversation if the user may post in it; throws the refusal code otherwise. */
  access(user: AuthUser, conversationId: string): Promise<ConversationAccess>;
  /** Screens a message given the conversation's recent signals. */
  screen(send: PendingSend, conversation: ConversationAccess, signals: readonly RecentSignal[], at: Date): Promise<ScreeningResult>;
  recordScreening?: ScreeningRecorder;
  metrics?: TrellisMetrics;
}

const STATUS_OF_ACTION: Record<ScreeningResult['action'], MessageStatus> = {
  deliver: 'delivered',
  flag: 'delivered',
  redact: 'delivered',
  hold: 'held',
  block: 'blocked',
};

/** A send that passed its access check. */
interface Admitted {
  entry: BatchEntry<PendingSend, AckFrame>;
  conversation: ConversationAccess;
}

/** A new send with its verdict, ready to store. */
interface Screened extends Admitted {
  result: ScreeningResult;
}

/** A send answered with a message stored earlier (a resend of its client id). */
interface Repeat extends Admitted {
  earlier: StoredMessage;
}

type StageTimer = ReturnType<typeof stageTimer>;

/** A batch's sends screened, with the sends that repeat an earlier message. */
interface Screening {
  /** When the batch was accepted (the messages' time). */
  at: Date;
  screened: Screened[];
  repeats: Repeat[];
}

/** A batch ready to store (see `SendBatchWriter.prepare`). */
export interface PreparedBatch {
  admitted: Admitted[];
  timer: StageTimer;
  /**
   * How many batches the writer had done when this one began reading signals: the signals of the
   * batches sent after those may be missing from its screening.
   */
  doneBefore: number;
  screening: Screening;
}

/**
 * What a committed batch stored, what it refused inside the transaction, and the sends it found
 * already stored (resends, not stored again).
 */
interface Committed {
  stored: { send: Screened; message: StoredMessage }[];
  refused: { send: Screened; error: TrellisError }[];
  resent: Screened[];
  afterCommit?: () => Promise<void>;
}

/** A batch sent to the database. */
interface Sent {
  /** Settles once it is committed, with its answers and publication under way. */
  stored: Promise<{ answered: Promise<void> }>;
  /** Whether the next batch may be sent before this one commits. */
  pipelined: boolean;
}

const keyOf = (senderId: string, clientId: string): string => `${senderId}\u0000${clientId}`;

/** SQLSTATEs of a lost race: a unique key taken meanwhile, a deadlock, a serialisation failure. */
const RACE_SQLSTATES = new Set(['23505', '40P01', '40001']);

/**
 * Whether a batch lost a race it can win by trying again: a client id taken meanwhile (by a resend on
 * another node), or a deadlock. Prisma reports these as P2002/P2034, or from a raw statement as P2010
 * with the database's SQLSTATE; a statement sent to the driver directly fails with the driver's
 * error, which carries the SQLSTATE itself.
 */
function lostRace(error: unknown): boolean {
  if (error instanceof Error && isDriverAdapterError(error)) return RACE_SQLSTATES.has(error.cause.originalCode ?? '');
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002' || error.code === 'P2034') return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: string } } | undefined)?.cause;
  return error.code === 'P2010' && RACE_SQLSTATES.has(cause?.originalCode ?? '');
}

/** Writes batches of sends; one instance per node. */
export class SendBatchWriter {
  readonly #deps: SendBatchDeps;
  /**
   * How many batches were sent to the database, and how many of them are done (committed, their
   * signals forgotten by the cache and their publication issued; or failed). Batches are done in the
   * order they were sent.
   */
  #sent = 0;
  #done = 0;
  /** Settles once every batch sent so far is done. */
  #lastDone: Promise<void> = Promise.resolve();
  /** By batch number, the conversations where a batch's screening raised a signal (if it raised one). */
  readonly #raisedBy = new Map<number, ReadonlySet<string>>();

  constructor(deps: SendBatchDeps) {
    this.#deps = deps;
  }

  /**
   * Prepares one batch while the batch before it is written (see `group-commit.ts`): access checks,
   * the recent signals and screening. Sends refused access are answered here. Null when none is
   * left to write.
   */
  async prepare(batch: BatchEntry<PendingSend, AckFrame>[]): Promise<PreparedBatch | null> {
    const started = performance.now();
    const checked = await Promise.all(
      batch.map((entry) =>
        this.#deps.access(entry.item.sender, entry.item.conversationId).then(
          (conversation): Admitted => ({ entry, conversation }),
          (error: unknown) => {
            entry.reject(error);
            return null;
          },
        ),
      ),
    );
    const admitted = checked.filter((send): send is Admitted => send !== null);
    if (admitted.length === 0) return null;
    const timer = stageTimer(this.#deps.metrics, admitted.length, started);
    timer.lap('access');
    const doneBefore = this.#done;
    // The first attempt assumes every client id is new (resends are rare) and saves the query that
    // looks for earlier ones: the statement of one batch skips resends and reports them, the
    // transaction fails on the unique key, and its retry looks.
    return { admitted, timer, doneBefore, screening: await this.#screenBatch(admitted, timer, false) };
  }

  /**
   * Writes a prepared batch and settles each of its sends with an acknowledgement or a refusal.
   * Resolves once the next batch may be sent: once this one is committed and its messages are handed
   * to the bus in order, or, for a batch in one statement on a database that runs statements in
   * order (`writesInOrder`), once it is sent and the batch before it is done, so that two batches are
   * in flight. `finishing` resolves when every send is answered.
   */
  async write(prepared: PreparedBatch | null): Promise<void | { finishing: Promise<void> }> {
    if (!prepared) return;
    const { admitted, timer } = prepared;
    let { screening } = prepared;
    // NOTE: the batch was screened while batches before it were being stored. If one of those raised
    // a signal in a conversation of this batch, the screening missed it: screen again once they are
    // committed, so that conversation risk adds up as if sent one by one.
    if (this.#mayHaveMissedSignals(prepared)) {
      await this.#lastDone;
      screening = await this.#screenBatch(admitted, timer, false);
    }
    for (let attempt = 1; ; attempt++) {
      const before = this.#lastDone;
      const { stored, pipelined } = this.#store(screening, timer);
      if (pipelined) {
        // Not retried: a batch in one statement fails on a client id only when another writer takes
        // it meanwhile, and the embedded database has one writer.
        await before;
        return { finishing: stored.then(({ answered }) => answered).then(() => timer.total()) };
      }
      try {
        const { answered } = await stored;
        return { finishing: answered.then(() => timer.total()) };
      } catch (error) {
        if (!lostRace(error) || attempt === ATTEMPTS) throw error;
        screening = await this.#screenBatch(admitted, timer, true);
      }
    }
  }

  /**
   * Whether a batch sent after the prepared one began reading signals raised a signal (or may, if
   * it is still in flight) in one of its conversations. Forgets the batches no later one needs.
   */
  #mayHaveMissedSignals({ admitted, doneBefore }: PreparedBatch): boolean {
    // Batches are written in the order they were prepared, so no later batch began reading before this one.
    for (const number of this.#raisedBy.keys()) if (number < doneBefore) this.#raisedBy.delete(number);
    return [...this.#raisedBy.values()].some((raised) => admitted.some((send) => raised.has(send.conversation.id)));
  }

  /**
   * The sends split, by one query, into repeats (each with the message stored earlier under its
   * client id) and new sends.
   */
  async #findEarlier(sends: Admitted[]): Promise<{ repeats: Repeat[]; fresh: Admitted[] }> {
    const keys = sends.map(({ entry }) => ({ senderId: entry.item.sender.id, clientId: entry.item.clientId }));
    const earlier = await messages.findMessagesByClientIds(this.#deps.prisma, keys);
    const earlierByKey = new Map(earlier.map((message) => [keyOf(message.senderId, message.clientId), message]));
    const repeats: Repeat[] = [];
    const fresh: Admitted[] = [];
    for (const send of sends) {
      const found = earlierByKey.get(keyOf(send.entry.item.sender.id, send.entry.item.clientId));
      if (found) repeats.push({ ...send, earlier: found });
      else fresh.push(send);
    }
    return { repeats, fresh };
  }

  /**
   * Reads what screening needs (the conversations' recent signals, and with `findEarlier` earlier
   * messages of the same client ids) and screens the sends that are new.
   */
  async #screenBatch(admitted: Admitted[], timer: StageTimer, findEarlier: boolean): Promise<Screening> {
    const at = new Date();
    const conversationIds = [...new Set(admitted.map((send) => send.conversation.id))];
    const [{ repeats, fresh }, signals] = await Promise.all([
      findEarlier ? this.#findEarlier(admitted) : { repeats: [], fresh: admitted },
      this.#deps.signals.get(conversationIds, new Date(at.getTime() - RISK_WINDOW_MS)),
    ]);
    timer.lap('idempotency');
    const screened = await this.#screenInOrder(fresh, signals, at);
    timer.lap('screen');
    return { at, screened, repeats };
  }

  /**
   * Sends a screened batch to the database now. Once it is committed, and the batch sent before it is
   * done, its verdicts are counted, its signals forgotten and its publication issued (`#finish`).
   */
  #store(screening: Screening, timer: StageTimer): Sent {
    const { at, screened } = screening;
    const raised = new Set(screened.filter((send) => send.result.categories.length > 0).map((send) => send.conversation.id));
    if (raised.size > 0) this.#raisedBy.set(this.#sent, raised);
    this.#sent++;
    const inOneStatement = this.#storeInOneStatement(screened, at);
    const writing = inOneStatement ?? inTransaction(this.#deps.prisma, (tx) => this.#storeInTransaction(tx, screened, at));
    const stored = Promise.all([this.#lastDone, writing]).then(([, committed]) => this.#finish(committed, screening, timer));
    const done = () => void this.#done++;
    this.#lastDone = stored.then(done, done);
    return { stored, pipelined: inOneStatement !== null && this.#deps.writesInOrder };
  }

  /** What follows a batch's commit; resolves with the answering and publishing under way. */
  async #finish(committed: Committed, screening: Screening, timer: StageTimer): Promise<{ answered: Promise<void> }> {
    timer.lap('store');
    // Verdicts are counted once committed: a batch screened again (after a batch before it raised a
    // signal, or a lost race) counts only the screening that was stored.
    for (const { send } of [...committed.stored, ...committed.refused]) recordVerdict(this.#deps.metrics, send.result);
    const raisedIn = new Set(committed.stored.filter(({ send }) => send.result.categories.length > 0).map(({ send }) => send.conversation.id));
    for (const conversationId of raisedIn) this.#deps.signals.forget(conversationId);
    for (const { send, error } of committed.refused) send.entry.reject(error);
    await committed.afterCommit?.();
    timer.lap('on_screened');
    const repeats = [...screening.repeats, ...(await this.#repeatsOf(committed.resent))];
    // NOTE: a repeat's first attempt may have stored the message and died before publishing it (a
    // node killed mid-send): publish again. Recipients drop sequence numbers they already hold.
    // Blocked messages are published too (without their text, and shown to nobody) so that sockets
    // and caches move past their sequence numbers instead of taking them for a gap.
    // The batch's messages are issued here as one publication, before the batch sent after it can
    // issue its own (it waits for this one to be done), so the bus carries each conversation's
    // messages in sequence order while the next batch is already being written. Each send is
    // answered once that publication is done. It first tells the other nodes which conversations got
    // a new signal, so that they read those signals again.
    const republished = repeats.filter((send) => send.earlier.conversationId === send.conversation.id).map((send) => send.earlier);
    const events: ConversationEvent[] = [
      ...[...raisedIn].map((conversationId) => ({ conversationId, kind: CHANGE_KINDS.signals })),
      ...[...committed.stored.map(({ message }) => message), ...republished].map((message) => ({
        conversationId: message.conversationId, kind: 'message', message: toBusMessage(message),
      })),
    ];
    const published = this.#deps.bus.deliverToConversations(events);
    const answered = Promise.all([
      ...committed.stored.map(({ send, message }) => this.#answer(send, message, published)),
      ...repeats.map((send) => this.#answer(send, send.earlier, published)),
    ]).then(() => timer.lap('publish'));
    return { answered };
  }

  /**
   * Screens new sends, all at once (so that a model stage scores them in one batch), each with the
   * signals its conversation had before the batch. A send that follows, in the same conversation and
   * batch, a send that raised a signal is screened again with that signal, so that conversation risk
   * adds up exactly as if they had been sent one by one.
   */
  async #screenInOrder(sends: Admitted[], signals: Map<string, RecentSignal[]>, at: Date): Promise<Screened[]> {
    const screen = (send: Admitted, prior: readonly RecentSignal[]) =>
      send.entry.item.screened ? Promise.resolve(send.entry.item.screened) : this.#deps.screen(send.entry.item, send.conversation, prior, at);
    const first = await Promise.all(sends.map((send) => screen(send, signals.get(send.conversation.id) ?? [])));
    const prior = new Map<string, RecentSignal[]>();
    const screened: Screened[] = [];
    for (const [i, send] of sends.entries()) {
      const id = send.conversation.id;
      const before = prior.get(id) ?? signals.get(id) ?? [];
      // `prior` holds a conversation only once a send of this batch raised a signal in it.
      const result = prior.has(id) ? await screen(send, before) : first[i]!;
      screened.push({ ...send, result });
      if (result.categories.length > 0) {
        prior.set(id, [...before, { at, senderRole: send.entry.item.sender.role, categories: result.categories, severity: result.severity }]);
      }
    }
    return screened;
  }

  /** The transaction: lock and number, insert, record. */
  async #storeInTransaction(tx: Prisma.TransactionClient, sends: Screened[], at: Date): Promise<Committed> {
    const counts = new Map<string, number>();
    for (const send of sends) counts.set(send.conversation.id, (counts.get(send.conversation.id) ?? 0) + 1);
    const locked = await messages.reserveSequences(tx, counts);
    const nextSeqs = new Map<string, number>();
    const rows: messages.NewMessage[] = [];
    const accepted: Screened[] = [];
    const refused: Committed['refused'] = [];
    for (const send of sends) {
      const conversation = locked.get(send.conversation.id);
      if (!conversation || conversation.mentorshipStatus !== 'active') {
        // The mentorship ended after the access check: the lock makes this answer final.
        refused.push({ send, error: new TrellisError(conversation ? 'MENTORSHIP_NOT_ACTIVE' : 'NOT_A_MEMBER') });
        continue;
      }
      const seq = (nextSeqs.get(send.conversation.id) ?? conversation.lastSeq) + 1;
      nextSeqs.set(send.conversation.id, seq);
      rows.push({ ...newMessage(send, at), seq });
      accepted.push(send);
    }
    const stored = messages.storedMessagesOf(rows);
    const inserts = messages.messageInserts(rows);
    const events = stored.map((message, i) => ({ message, result: accepted[i]!.result, conversation: accepted[i]!.conversation, sender: accepted[i]!.entry.item.sender }));
    const { recordScreening } = this.#deps;
    let afterCommit: Committed['afterCommit'];
    if (recordScreening && events.length > 0) afterCommit = await recordScreening.inTransaction(tx, events, inserts);
    else await executeTogether(tx, inserts);
    return { stored: stored.map((message, i) => ({ send: accepted[i]!, message })), refused, resent: [], afterCommit };
  }

  /**
   * The batch sent in one statement (see `one-statement-batch.ts`) when nothing in it needs the
   * transaction: no file, no verdict that raises a review or an alert; null otherwise.
   */
  #storeInOneStatement(sends: Screened[], at: Date): Promise<Committed> | null {
    if (sends.length === 0 || sends.some((send) => send.entry.item.attachment)) return null;
    const rows = sends.map((send) => newMessage(send, at));
    const unnumbered = messages.storedMessagesOf(rows.map((row) => ({ ...row, seq: 0 })));
    const events = unnumbered.map((message, i) => ({ message, result: sends[i]!.result, conversation: sends[i]!.conversation, sender: sends[i]!.entry.item.sender }));
    const records = this.#deps.recordScreening ? this.#deps.recordScreening.quiet(events) : { decisions: [], audit: [] };
    if (!records) return null;
    return writeInOneStatement(this.#deps.direct, rows, records).then((outcomes) => {
      const committed: Committed = { stored: [], refused: [], resent: [] };
      for (const [i, outcome] of outcomes.entries()) {
        if ('seq' in outcome) committed.stored.push({ send: sends[i]!, message: { ...unnumbered[i]!, seq: outcome.seq } });
        else if ('resent' in outcome) committed.resent.push(sends[i]!);
        else committed.refused.push({ send: sends[i]!, error: new TrellisError(outcome.refused) });
      }
      return committed;
    });
  }

  /** Resends a statement skipped, each with the message stored earlier under its client id. */
  async #repeatsOf(resent: Admitted[]): Promise<Repeat[]> {
    if (resent.length === 0) return [];
    try {
      const { repeats, fresh: missing } = await this.#findEarlier(resent);
      for (const send of missing) send.entry.reject(new Error('a resend\'s earlier message was not found'));
      return repeats;
    } catch (error) {
      // Only these sends fail: the batch's stored messages are still published.
      for (const send of resent) send.entry.reject(error);
      return [];
    }
  }

  /** Answers a send once the publication its message is in (if any) is done. */
  async #answer(send: Admitted, message: StoredMessage, published: Promise<void>): Promise<void> {
    try {
      await published;
      send.entry.resolve(ackOrRefuse(message, send.entry.item));
    } catch (error) {
      send.entry.reject(error);
    }
  }
}

/** The row of a new message, but its sequence number. */
function newMessage({ entry: { item }, conversation, result }: Screened, at: Date): messages.UnnumberedMessage {
  return {
    id: randomUUID(),
    conversationId: conversation.id,
    senderId: item.sender.id,
    clientId: item.clientId,
    body: item.body,
    deliveredBody: result.action === 'redact' ? redact(item.body, result.spans) : item.body,
    status: STATUS_OF_ACTION[result.action],
    action: result.action,
    severity: result.severity,
    categories: result.categories,
    verdict: result,
    createdAt: at,
    attachment: item.attachment && { ...item.attachment, id: randomUUID() },
  };
}

/** The acknowledgement of a stored message, or the refusal its sender gets. */
function ackOrRefuse(message: StoredMessage, send: { conversationId: string; body: string }): AckFrame {
  if (message.conversationId !== send.conversationId || message.body !== send.body) {
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
