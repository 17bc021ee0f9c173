/** The screener Trellis serves messages with: the rule pipeline over per-program policies, failing closed. */
import { createRuleScreener } from '../../moderation/pipeline.ts';
import type { Stage } from '../../moderation/stage.ts';
import type { Screener, ScreeningRequest, ScreeningResult } from '../../moderation/types.ts';
import type { PolicyCache } from './policy-cache.ts';

/** The result of a screening that threw: held, with an alert (fail closed). */
export function heldForFailure(stage: string, error: unknown): ScreeningResult {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    action: 'hold',
    severity: 'high',
    categories: [],
    spans: [],
    findings: [],
    stageVersions: {},
    timings: [],
    conversationRisk: 0,
    alert: { severity: 'high', reason: `screening failed at ${stage}: ${reason}` },
    failure: { stage, reason },
  };
}

/**
 * Wraps any screener so that it never throws: a screener that breaks its contract holds the
 * message with an alert instead of failing the send or delivering it unscreened. `before` runs
 * first (e.g. loading the program's policy).
 */
export function failClosed(inner: Screener, before?: (request: ScreeningRequest) => Promise<void>): Screener {
  return {
    async screen(request) {
      try {
        await before?.(request);
        return await inner.screen(request);
      } catch (error) {
        return heldForFailure('screener', error);
      }
    },
    close: () => inner.close(),
  };
}

/**
 * Builds the rule screener (lexical, contact, safeguarding, conversation risk) reading policies from
 * the cache, with `extraStages` (the toxicity model) between the rules and the conversation risk.
 */
export function createProgramScreener(policies: PolicyCache, extraStages: Stage[] = []): Screener {
  const rules = createRuleScreener({ policyFor: (programId) => policies.policyFor(programId), extraStages });
  return failClosed(rules, (request) => policies.ensure(request.programId));
}
