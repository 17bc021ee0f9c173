/**
 * The screening contract between the Trellis server and the moderation pipeline.
 *
 * The server hands every accepted message (or file text) to a `Screener` between "accepted" and
 * "delivered"; the screener answers with a `ScreeningResult` that the server persists with the
 * message in the same transaction and acts upon. Nothing in `moderation/` touches the database.
 */

/** Roles a sender or recipient can have. */
export type Role = 'student' | 'mentor' | 'coordinator' | 'admin';

/** What happens to a screened message. Ordered from least to most restrictive. */
export type Action = 'deliver' | 'flag' | 'redact' | 'hold' | 'block';

/** Every action, least restrictive first: the index is the restrictiveness rank. */
export const ACTIONS: readonly Action[] = ['deliver', 'flag', 'redact', 'hold', 'block'];

/** How serious a finding is. */
export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** Every severity, least serious first: the index is the rank. */
export const SEVERITIES: readonly Severity[] = ['none', 'low', 'medium', 'high', 'critical'];

/** A half-open range `[start, end)` of UTF-16 code-unit offsets into the original text. */
export interface Span {
  start: number;
  end: number;
}

/** A signal a stage raises about a text. */
export interface Finding {
  /** Name of the stage that raised it. */
  stage: string;
  /** Category, e.g. `profanity`, `contact`, `grooming`, `crisis`, `toxicity`. */
  category: string;
  severity: Severity;
  /** Which rule, list entry or model label matched. */
  rule: string;
  /** Where in the original text, when the finding is about specific characters (used for redaction). */
  span?: Span;
  /** A model score in [0, 1], when a model raised it. */
  score?: number;
}

/** A past signal in the same conversation, used to score conversation-level risk. */
export interface PriorSignal {
  at: Date;
  senderRole: Role;
  categories: string[];
  severity: Severity;
}

/** What the server hands to the screener for each message. */
export interface ScreeningRequest {
  /** Whether it is a chat message, a file name or a file's extracted text. */
  kind: 'message' | 'file-name' | 'file-text';
  text: string;
  programId: string;
  conversationId: string;
  senderId: string;
  senderRole: Role;
  /** Roles of the other members of the conversation (direction matters: adult to student weighs more). */
  recipientRoles: Role[];
  /** Recent screened signals of this conversation, oldest first, for conversation-level risk. */
  priorSignals: PriorSignal[];
  /** When the message was accepted. */
  at: Date;
}

/** How long a stage took and whether it completed. */
export interface StageTiming {
  stage: string;
  version: string;
  ms: number;
  outcome: 'ok' | 'error' | 'timeout';
  error?: string;
}

/** The screener's answer: persisted with the message as its verdict. */
export interface ScreeningResult {
  action: Action;
  /** Highest severity among the findings (or of the conversation risk). */
  severity: Severity;
  /** Distinct categories found, sorted. */
  categories: string[];
  /** Character ranges to mask for recipients when the action is `redact`. */
  spans: Span[];
  findings: Finding[];
  /** Stage name to stage version, for every stage that ran. */
  stageVersions: Record<string, string>;
  timings: StageTiming[];
  /** Conversation-level risk score in [0, 1] after this message. */
  conversationRisk: number;
  /** Whether coordinators must be alerted, and how urgently. */
  alert: { severity: Severity; reason: string } | null;
  /** Model scores per label, when a model stage ran. */
  scores?: Record<string, number>;
  /** Set when the screening could not complete and the message was held (fail closed). */
  failure?: { stage: string; reason: string };
}

/** Screens texts before delivery. Implementations must fail closed: never throw, hold instead. */
export interface Screener {
  screen(request: ScreeningRequest): Promise<ScreeningResult>;
  /** Releases resources (model, timers). Safe to call twice. */
  close(): Promise<void>;
}
