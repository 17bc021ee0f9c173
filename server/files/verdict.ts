/**
 * One verdict for a file from the verdicts of its name and of its text: the most restrictive action
 * wins. A file's content cannot be masked, so text that the policy would redact holds the file for
 * review instead; text that could not be fully extracted or screened holds it too (fail closed).
 */
import { ACTIONS, SEVERITIES, type ScreeningResult, type Severity } from '../../moderation/types.ts';

function maxBy<T>(order: readonly T[], a: T, b: T): T {
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

/** The verdict of text that was not (fully) screened: a person must look at it. */
export function unscreenedVerdict(reason: string): ScreeningResult {
  return {
    action: 'hold',
    severity: 'medium',
    categories: ['unscreened'],
    spans: [],
    findings: [{ stage: 'file-text', category: 'unscreened', severity: 'medium', rule: reason }],
    stageVersions: { 'file-text': '1' },
    timings: [],
    conversationRisk: 0,
    alert: { severity: 'medium', reason: `file held: ${reason}` },
  };
}

/** A text verdict as it applies to a file: redaction of content is impossible, so it holds. */
export function forFileContent(result: ScreeningResult): ScreeningResult {
  return result.action === 'redact' ? { ...result, action: 'hold', spans: [] } : result;
}

/**
 * Combines the name's verdict with content verdicts. Spans are the name's (the announcing message's
 * body is the name, so only the name can be redacted).
 */
export function combineVerdicts(name: ScreeningResult, content: readonly ScreeningResult[]): ScreeningResult {
  let combined: ScreeningResult = { ...name, findings: [...name.findings], timings: [...name.timings], stageVersions: { ...name.stageVersions } };
  for (const part of content) {
    const alert =
      combined.alert && part.alert
        ? SEVERITIES.indexOf(part.alert.severity) > SEVERITIES.indexOf(combined.alert.severity)
          ? part.alert
          : combined.alert
        : (combined.alert ?? part.alert);
    combined = {
      ...combined,
      action: maxBy(ACTIONS, combined.action, part.action),
      severity: maxBy<Severity>(SEVERITIES, combined.severity, part.severity),
      categories: [...new Set([...combined.categories, ...part.categories])].sort(),
      findings: [...combined.findings, ...part.findings],
      stageVersions: { ...combined.stageVersions, ...part.stageVersions },
      timings: [...combined.timings, ...part.timings],
      conversationRisk: Math.max(combined.conversationRisk, part.conversationRisk),
      alert,
      ...(combined.failure || part.failure ? { failure: combined.failure ?? part.failure } : {}),
    };
  }
  if (combined.action !== 'redact') combined.spans = [];
  return combined;
}
