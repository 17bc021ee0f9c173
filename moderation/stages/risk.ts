/**
 * Conversation-level risk stage: a pure function of the conversation's recent signals (supplied
 * by the server in `priorSignals`) and this message's findings. Each signal weighs by severity,
 * by how much its categories say about grooming, and more when an adult wrote to a student; it
 * decays with age (half-life) inside a rolling window. The sum maps to a score in [0, 1]; several
 * mild signals over a few messages raise an alert even when no single message is severe.
 *
 * NOTE: runs after every other stage (it reads their findings from the context).
 */
import type { Stage, StageOutput } from '../stage.ts';
import type { Finding, PriorSignal, ScreeningRequest, Severity } from '../types.ts';
import { ADULT_ROLES, maxSeverity } from '../direction.ts';

/** The category of the finding this stage raises. */
export const RISK_CATEGORY = 'conversation-risk';

/** Tuning of the conversation risk. */
export interface RiskOptions {
  /** Signals older than this are ignored (default 7 days). */
  windowMs?: number;
  /** A signal's weight halves every `halfLifeMs` (default 2 days). */
  halfLifeMs?: number;
  /** Score from which a `high` alert is raised (default 0.6). */
  alertAt?: number;
  /** Score from which a `critical` alert is raised (default 0.85). */
  criticalAt?: number;
}

/** The risk of a conversation after a message. */
export interface ConversationRisk {
  score: number;
  /** `none` below `alertAt` (or with fewer than two signals), else `high` or `critical`. */
  severity: Severity;
  /** Why the alert was raised; empty without an alert. */
  reason: string;
}

const DAY = 24 * 60 * 60 * 1000;
const SEVERITY_WEIGHT: Record<Severity, number> = { none: 0, low: 0.15, medium: 0.35, high: 0.7, critical: 1.2 };
/** How much a category says about grooming risk; unknown categories (model labels) weigh 0.3. */
const CATEGORY_WEIGHT: Record<string, number> = {
  grooming: 1, meeting: 1, intimate: 1, gifts: 1, sexual: 1, 'off-platform': 0.8, contact: 0.6, violence: 0.5,
  hate: 0.4, drugs: 0.4, profanity: 0.1, link: 0.1, crisis: 0, [RISK_CATEGORY]: 0,
};
const ADULT_TO_STUDENT = 1.5;
/** Signals weighing less than this after decay do not count as contributing. */
const NEGLIGIBLE = 0.05;

const categoryWeight = (categories: readonly string[]): number =>
  categories.reduce((max, c) => Math.max(max, CATEGORY_WEIGHT[c] ?? 0.3), 0);

/** This message's findings as a signal, the way the server records it. */
function signalOf(request: ScreeningRequest, findings: readonly Finding[]): PriorSignal {
  const severity = findings.reduce<Severity>((max, f) => maxSeverity(max, f.severity), 'none');
  return { at: request.at, senderRole: request.senderRole, categories: [...new Set(findings.map((f) => f.category))], severity };
}

/** Scores a conversation's risk from its prior signals and this message's findings (pure). */
export function conversationRisk(request: ScreeningRequest, findings: readonly Finding[], options: RiskOptions = {}): ConversationRisk {
  if (findings.length === 0 && request.priorSignals.length === 0) return { score: 0, severity: 'none', reason: '' };
  const { windowMs = 7 * DAY, halfLifeMs = 2 * DAY, alertAt = 0.6, criticalAt = 0.85 } = options;
  const withStudent = request.senderRole === 'student' || request.recipientRoles.includes('student');
  let sum = 0;
  let contributing = 0;
  const categories = new Set<string>();
  const signals = findings.length > 0 ? [...request.priorSignals, signalOf(request, findings)] : request.priorSignals;
  for (const signal of signals) {
    const age = Math.max(0, request.at.getTime() - signal.at.getTime());
    if (age > windowMs) continue;
    const direction = withStudent && ADULT_ROLES.includes(signal.senderRole) ? ADULT_TO_STUDENT : 1;
    const weight = SEVERITY_WEIGHT[signal.severity] * categoryWeight(signal.categories) * direction * 0.5 ** (age / halfLifeMs);
    if (weight < NEGLIGIBLE) continue;
    sum += weight;
    contributing++;
    for (const c of signal.categories) if ((CATEGORY_WEIGHT[c] ?? 0.3) > 0) categories.add(c);
  }
  const score = 1 - Math.exp(-sum);
  const severity: Severity = contributing < 2 || score < alertAt ? 'none' : score >= criticalAt ? 'critical' : 'high';
  const reason = severity === 'none' ? '' :
    `conversation risk ${score.toFixed(2)} from ${contributing} signals in ${Math.round(windowMs / DAY)} days: ${[...categories].sort().join(', ')}`;
  return { score, severity, reason };
}

/** The output for a conversation without any signal. */
const NO_RISK: StageOutput = Object.freeze({ findings: Object.freeze([]) as unknown as Finding[], conversationRisk: 0 });

/** Creates the conversation risk stage (see the module comment). */
export function createRiskStage(options: RiskOptions = {}): Stage {
  return {
    name: 'conversation-risk',
    version: '1',
    budgetMs: 20,
    screen({ request, findings = [] }) {
      if (findings.length === 0 && request.priorSignals.length === 0) return NO_RISK;
      const risk = conversationRisk(request, findings, options);
      if (risk.score === 0) return NO_RISK;
      const raised: Finding[] = risk.severity === 'none' ? [] : [{ stage: 'conversation-risk', category: RISK_CATEGORY, severity: risk.severity, rule: risk.reason, score: risk.score }];
      return { findings: raised, conversationRisk: risk.score };
    },
  };
}
