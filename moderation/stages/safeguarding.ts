/**
 * Safeguarding stage: phrases of grooming and secrecy, meeting alone, gifts and money, intimate
 * questions, and crisis signals, from `moderation/lists/safeguarding/<category>.txt`.
 *
 * Direction matters: a phrase from an adult to a student weighs one severity step more than as
 * listed. Crisis signals are not misconduct: from a student they are always `critical` (for a
 * counselor referral); from anyone else they keep the listed severity.
 *
 * Besides phrases, the lists hold `near` rules: two groups of words close together (a secrecy
 * word near a parent or teacher, a meeting word near `alone`), with supervised-place exceptions.
 * Words typed as spaced letters (`m e e t  m e  a l o n e`) are joined and screened again, the
 * finding then spanning the whole message.
 */
import { join } from 'node:path';
import { normalise } from '../normalise.ts';
import { PhraseBook } from '../phrase-book.ts';
import { DEFAULT_LIST_DIR, GradedRules, NOTHING_FOUND, joinedSpacedWords, loadGradedLists } from '../rules.ts';
import type { NormalisedText, Stage } from '../stage.ts';
import { adultToStudent, raise } from '../direction.ts';
import type { Finding, ScreeningRequest } from '../types.ts';

/** Categories of the safeguarding stage, each read from `<listDir>/safeguarding/<category>.txt`. */
export const SAFEGUARDING_CATEGORIES = ['grooming', 'meeting', 'gifts', 'intimate', 'crisis'] as const;

/** Options of the safeguarding stage. */
export interface SafeguardingStageOptions {
  /** Folder holding `safeguarding/` (default: the lists shipped in `moderation/lists/`). */
  listDir?: string;
  /** A phrase book shared with other stages (their phrases are matched in one scan); default: its own. */
  phrases?: PhraseBook;
}

/** The severity of a safeguarding finding given who wrote to whom. */
function directed(finding: Finding, request: ScreeningRequest): Finding {
  if (finding.category === 'crisis') return request.senderRole === 'student' ? { ...finding, severity: 'critical' } : finding;
  return adultToStudent(request) ? { ...finding, severity: raise(finding.severity) } : finding;
}

/** Creates the safeguarding stage; reads and validates its lists now. */
export function createSafeguardingStage(options: SafeguardingStageOptions = {}): Stage {
  const dir = join(options.listDir ?? DEFAULT_LIST_DIR, 'safeguarding');
  const rules = new GradedRules(loadGradedLists(dir, SAFEGUARDING_CATEGORIES), options.phrases ?? new PhraseBook());
  const find = (normalised: NormalisedText): Finding[] => rules.find('safeguarding', normalised);
  return {
    name: 'safeguarding',
    version: '1',
    budgetMs: 50,
    screen({ request, normalised }) {
      let findings = find(normalised);
      const joined = findings.length === 0 ? joinedSpacedWords(normalised) : undefined;
      if (joined !== undefined) {
        const whole = { start: 0, end: normalised.original.length };
        findings = find(normalise(joined)).map((f) => ({ ...f, span: whole }));
      }
      return findings.length === 0 ? NOTHING_FOUND : { findings: findings.map((f) => directed(f, request)) };
    },
  };
}
