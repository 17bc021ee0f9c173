import type { Screener, ScreeningResult } from './types.ts';

/**
 * A screener that lets every text through unchanged, recording that nothing screened it. It is the
 * seam's neutral element, used where a test must see the seam itself at work; Trellis never serves
 * messages with it.
 */
export function passThroughScreener(): Screener {
  return {
    async screen(): Promise<ScreeningResult> {
      return {
        action: 'deliver',
        severity: 'none',
        categories: [],
        spans: [],
        findings: [],
        stageVersions: { 'pass-through': '1' },
        timings: [],
        conversationRisk: 0,
        alert: null,
      };
    },
    async close(): Promise<void> {},
  };
}
