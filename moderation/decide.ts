/**
 * Applies a program's policy to a message's findings: the action, severity, categories, spans to
 * mask and the alert of the screening result.
 */
import { maxSeverity } from './direction.ts';
import type { PolicyRule, ProgramPolicy } from './policy.ts';
import { ACTIONS, SEVERITIES, type Action, type Finding, type ScreeningRequest, type Severity, type Span } from './types.ts';

/** What the policy makes of a message's findings. */
export interface Decision {
  action: Action;
  severity: Severity;
  categories: string[];
  /** Spans of the findings whose rule says `redact`, sorted and merged. */
  spans: Span[];
  alert: { severity: Severity; reason: string } | null;
  /** The findings the policy considered (links to allowed domains dropped). */
  findings: Finding[];
}

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** Whether a link finding points to an allowed domain (rule `link:<domain>`). */
function allowedLink(finding: Finding, domains: readonly string[]): boolean {
  if (finding.category !== 'link' || domains.length === 0) return false;
  const domain = finding.rule.slice('link:'.length);
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** The first rule of the policy that applies to a finding, if any. */
function ruleFor(policy: ProgramPolicy, finding: Finding, request: ScreeningRequest, toStudent: boolean): PolicyRule | undefined {
  return policy.rules.find((rule) =>
    (rule.categories.includes(finding.category) || rule.categories.includes('*')) &&
    (rule.minSeverity === undefined || rank(finding.severity) >= rank(rule.minSeverity)) &&
    (rule.senderRoles === undefined || rule.senderRoles.includes(request.senderRole)) &&
    (rule.toStudent !== true || toStudent));
}

/** Sorts spans and merges those that overlap or touch. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Applies the policy to the findings of a request. Unmatched findings are flagged. */
export function decide(policy: ProgramPolicy, request: ScreeningRequest, all: readonly Finding[]): Decision {
  if (all.length === 0) return { action: 'deliver', severity: 'none', categories: [], spans: [], alert: null, findings: [] };
  const findings = all.filter((f) => !allowedLink(f, policy.allowedDomains));
  const toStudent = request.recipientRoles.includes('student');
  let action: Action = 'deliver';
  let severity: Severity = 'none';
  let alert: Decision['alert'] = null;
  const spans: Span[] = [];
  for (const finding of findings) {
    const rule = ruleFor(policy, finding, request, toStudent);
    const ruleAction = rule?.action ?? 'flag';
    if (ACTIONS.indexOf(ruleAction) > ACTIONS.indexOf(action)) action = ruleAction;
    severity = maxSeverity(severity, finding.severity);
    if (ruleAction === 'redact' && finding.span) spans.push(finding.span);
    const alertSeverity = rule?.alert === 'finding' ? finding.severity : rule?.alert;
    if (alertSeverity && alertSeverity !== 'none' && (!alert || rank(alertSeverity) > rank(alert.severity))) {
      alert = { severity: alertSeverity, reason: `${finding.category} (${finding.rule}) from a ${request.senderRole}` };
    }
  }
  const categories = [...new Set(findings.map((f) => f.category))].sort();
  return { action, severity, categories, spans: mergeSpans(spans), alert, findings };
}
