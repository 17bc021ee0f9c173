/**
 * Per-program moderation policy: which action a finding leads to, by category, severity, sender
 * role and direction; per-label model thresholds for the classifier stage; domains whose links
 * are fine. Programs store it as JSON, checked at load with a runtime schema (`parsePolicy`).
 *
 * Actions, least to most restrictive: `deliver`; `flag` (deliver, coordinators review); `redact`
 * (recipients get the text with the finding's spans masked, original kept, and it is flagged);
 * `hold` (delivered only after a coordinator approves); `block` (the sender gets an error code).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ADULT_ROLES, ROLES } from './direction.ts';
import { ACTIONS, SEVERITIES } from './types.ts';

export { redact } from './redact.ts';

const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description: `one of ${values.join(', ')}` });

const RoleSchema = oneOf(ROLES);
const SeveritySchema = oneOf(SEVERITIES);

/** Runtime schema of one policy rule. */
export const PolicyRuleSchema = Type.Object(
  {
    /** Finding categories the rule applies to; `*` for any. */
    categories: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** Applies to findings at least this severe (default: any). */
    minSeverity: Type.Optional(SeveritySchema),
    /** Applies to these sender roles only (default: any). */
    senderRoles: Type.Optional(Type.Array(RoleSchema, { minItems: 1 })),
    /** Applies only when a student is among the recipients. */
    toStudent: Type.Optional(Type.Boolean()),
    action: oneOf(ACTIONS),
    /** Alert coordinators with this severity; `finding` uses the finding's severity. */
    alert: Type.Optional(oneOf([...SEVERITIES, 'finding'] as const)),
  },
  { additionalProperties: false },
);

/** Runtime schema of a program's policy JSON; every field is optional (defaults fill in). */
export const PolicyJsonSchema = Type.Object(
  {
    version: Type.Optional(Type.String({ minLength: 1 })),
    /** Checked before the default rules (first match wins), or instead of them with `replaceDefaultRules`. */
    rules: Type.Optional(Type.Array(PolicyRuleSchema)),
    replaceDefaultRules: Type.Optional(Type.Boolean()),
    /** Per-label model score thresholds, merged over the defaults. */
    modelThresholds: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Number({ minimum: 0, maximum: 1 }))),
    /** Domains (and their subdomains) whose links raise nothing. */
    allowedDomains: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}$' }))),
  },
  { additionalProperties: false },
);

/** One rule of a policy: the first rule matching a finding gives its action and alert. */
export type PolicyRule = Static<typeof PolicyRuleSchema>;

/** A program's complete policy. */
export interface ProgramPolicy {
  version: string;
  /** Ordered rules; the first that matches a finding decides it. Unmatched findings are flagged. */
  rules: PolicyRule[];
  /** Per-label thresholds in [0, 1] read by model stages (e.g. `{ toxic: 0.8, threat: 0.5 }`). */
  modelThresholds: Record<string, number>;
  /** Domains whose links raise nothing (subdomains included). */
  allowedDomains: string[];
}

const adults = [...ADULT_ROLES];
const grooming = ['grooming', 'meeting'];
const personal = ['intimate', 'gifts', 'sexual'];

/** Default rules, written for programs where students are minors. */
export const DEFAULT_RULES: readonly PolicyRule[] = [
  // Crisis is not misconduct: the student's words reach the mentor, counselors are alerted.
  { categories: ['crisis'], senderRoles: ['student'], action: 'deliver', alert: 'critical' },
  { categories: ['crisis'], action: 'flag', alert: 'high' },
  { categories: grooming, senderRoles: adults, toStudent: true, minSeverity: 'high', action: 'hold', alert: 'critical' },
  { categories: grooming, senderRoles: adults, action: 'flag', alert: 'high' },
  { categories: grooming, action: 'flag', alert: 'medium' },
  { categories: personal, senderRoles: adults, toStudent: true, minSeverity: 'high', action: 'hold', alert: 'critical' },
  { categories: ['sexual'], minSeverity: 'high', action: 'hold', alert: 'high' },
  { categories: ['sexual'], action: 'redact' },
  { categories: personal, senderRoles: adults, action: 'flag', alert: 'finding' },
  { categories: personal, action: 'flag' },
  { categories: ['contact'], senderRoles: adults, toStudent: true, minSeverity: 'high', action: 'redact', alert: 'high' },
  { categories: ['contact'], action: 'redact' },
  { categories: ['off-platform'], senderRoles: adults, toStudent: true, minSeverity: 'medium', action: 'hold', alert: 'high' },
  { categories: ['off-platform'], minSeverity: 'medium', action: 'flag' },
  { categories: ['off-platform'], action: 'deliver' },
  { categories: ['link'], senderRoles: adults, action: 'flag' },
  { categories: ['link'], action: 'deliver' },
  { categories: ['profanity'], action: 'redact' },
  { categories: ['hate'], minSeverity: 'high', action: 'block', alert: 'high' },
  { categories: ['hate'], action: 'redact' },
  { categories: ['violence'], minSeverity: 'critical', action: 'hold', alert: 'critical' },
  { categories: ['violence'], minSeverity: 'high', action: 'hold', alert: 'high' },
  { categories: ['violence', 'drugs'], minSeverity: 'high', action: 'hold', alert: 'high' },
  { categories: ['violence', 'drugs'], action: 'flag' },
  { categories: ['conversation-risk'], action: 'flag', alert: 'finding' },
  // Anything else (model labels): by severity.
  { categories: ['*'], minSeverity: 'high', action: 'hold', alert: 'high' },
  { categories: ['*'], minSeverity: 'medium', action: 'flag' },
  { categories: ['*'], action: 'deliver' },
];

/** Default per-label thresholds for the classifier stage. */
export const DEFAULT_MODEL_THRESHOLDS: Readonly<Record<string, number>> = {
  toxic: 0.8, severe_toxic: 0.6, obscene: 0.8, threat: 0.5, insult: 0.8, identity_hate: 0.6, sexual: 0.7, grooming: 0.5,
};

/** The policy of a program that has not configured one. */
export const defaultPolicy: ProgramPolicy = {
  version: 'default-1',
  rules: [...DEFAULT_RULES],
  modelThresholds: { ...DEFAULT_MODEL_THRESHOLDS },
  allowedDomains: [],
};

/** A policy JSON that failed validation; the message names the path. */
export class PolicyError extends Error {
  /** Builds the error for the JSON path (e.g. `policy.rules[3].action`). */
  constructor(readonly path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'PolicyError';
  }
}

/** `/rules/3/action` → `policy.rules[3].action`. */
const readablePath = (pointer: string): string =>
  `policy${pointer.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('')}`;

/**
 * Checks a program's policy JSON and completes it with the defaults. Throws `PolicyError` naming
 * the path of the first problem (e.g. `policy.rules[3].action: one of deliver, flag, ...`).
 */
export function parsePolicy(json: unknown): ProgramPolicy {
  const first = Value.Errors(PolicyJsonSchema, json).First();
  if (first) {
    const expected = (first.schema as { description?: string }).description;
    throw new PolicyError(readablePath(first.path), expected ? `expected ${expected}` : first.message.toLowerCase());
  }
  const parsed = json as Static<typeof PolicyJsonSchema>;
  const rules = parsed.rules ?? [];
  return {
    version: parsed.version ?? defaultPolicy.version,
    rules: parsed.replaceDefaultRules ? [...rules] : [...rules, ...DEFAULT_RULES],
    modelThresholds: { ...DEFAULT_MODEL_THRESHOLDS, ...parsed.modelThresholds },
    allowedDomains: [...(parsed.allowedDomains ?? [])],
  };
}
