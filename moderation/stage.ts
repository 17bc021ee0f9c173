import type { Finding, ScreeningRequest } from './types.ts';

/**
 * A text after normalisation (case folding, confusables, leetspeak, separators, invisible
 * characters), with a map back to the original so findings can name the original characters.
 */
export interface NormalisedText {
  /** The text as the sender wrote it. */
  original: string;
  /** The normalised text that matchers run over. */
  text: string;
  /** For each UTF-16 unit `i` of `text`, the original range `[starts[i], ends[i])` it came from. */
  starts: number[];
  ends: number[];
  /**
   * Other readings of ambiguous units of `text` (leetspeak `1` is `i` but may be `l`): index in
   * `text` to the alternative characters. Absent when nothing is ambiguous. Matchers try both.
   */
  alternatives?: ReadonlyMap<number, string>;
  /**
   * A lighter view for stages that read digits and punctuation (contact details): folded case,
   * confusables, accents, invisible characters and non-ASCII digits, but no leetspeak, no joining
   * of separated letters and no collapsing of repeats, so `555 0134` stays digits.
   */
  literal?: TextView;
}

/** A derived text with, for each UTF-16 unit `i`, the original range `[starts[i], ends[i])`. */
export interface TextView {
  text: string;
  starts: number[];
  ends: number[];
}

/** What a stage sees: the request and its normalised text (computed once per message). */
export interface StageContext {
  request: ScreeningRequest;
  normalised: NormalisedText;
  /** Findings of the stages that ran before this one (for stages that combine signals). */
  findings?: readonly Finding[];
  /** Per-label model score thresholds of the program's policy (read by model stages). */
  modelThresholds?: Readonly<Record<string, number>>;
}

/** What a stage returns. */
export interface StageOutput {
  findings: Finding[];
  /** Model scores per label, for stages backed by a model. */
  scores?: Record<string, number>;
  /** Conversation-level risk in [0, 1] after this message, from the stage that scores it. */
  conversationRisk?: number;
}

/**
 * One step of the moderation pipeline. Stages are pure with respect to storage: they never touch
 * the database; the runner orders them, times them and enforces `budgetMs` (fail closed).
 */
export interface Stage {
  readonly name: string;
  readonly version: string;
  /** Longest the stage may take for one text before the message is held. */
  readonly budgetMs: number;
  screen(context: StageContext): StageOutput | Promise<StageOutput>;
  /** Releases resources (timers, models). Optional; safe to call twice. */
  close?(): Promise<void>;
}
