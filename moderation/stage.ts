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
}

/** What a stage sees: the request and its normalised text (computed once per message). */
export interface StageContext {
  request: ScreeningRequest;
  normalised: NormalisedText;
}

/** What a stage returns. */
export interface StageOutput {
  findings: Finding[];
  /** Model scores per label, for stages backed by a model. */
  scores?: Record<string, number>;
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
