/**
 * The labels the toxicity model predicts, and the finding category and severity each raises.
 *
 * | label | trained on | category | severity |
 * |---|---|---|---|
 * | `toxic` | Jigsaw toxic, severe_toxic, insult; Davidson hate speech and offensive language | `toxicity` | medium |
 * | `threat` | Jigsaw threat (few examples: treat its scores with care) | `threat` | high |
 * | `identity_hate` | Jigsaw identity_hate; Davidson hate speech | `identity_hate` | medium |
 * | `obscene` | Jigsaw obscene (vulgar language, mostly swearing) | `obscene` | low |
 *
 * The categories are the model's own, distinct from the rules' (`profanity`, `hate`, `violence`,
 * `sexual`): Jigsaw's "obscene" is mostly swearing, and raising `sexual` for it would trigger the
 * policy's sexual-content holds and alerts. Policies reach these categories through their `*` rules.
 */
import type { Severity } from '../types.ts';

/** Model output labels, in output-unit order. Policy `modelThresholds` are keyed by these names. */
export const LABELS = ['toxic', 'threat', 'identity_hate', 'obscene'] as const;

/** One model output label. */
export type Label = (typeof LABELS)[number];

/** The finding category each label raises. */
export const LABEL_CATEGORIES: Readonly<Record<Label, string>> = {
  toxic: 'toxicity',
  threat: 'threat',
  identity_hate: 'identity_hate',
  obscene: 'obscene',
};

/** The severity of a finding each label raises. */
export const LABEL_SEVERITIES: Readonly<Record<Label, Severity>> = {
  toxic: 'medium',
  threat: 'high',
  identity_hate: 'medium',
  obscene: 'low',
};

/** Per-label targets of one example: 1, 0, or `null` where its source does not label it. */
export type Targets = Record<Label, 0 | 1 | null>;
