/**
 * Graded phrase lists compiled into one matcher, and the turning of its matches into findings:
 * shared by the lexical and safeguarding stages.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhraseMatcher, type PhraseMatch } from './matcher.ts';
import { toOriginalSpan } from './normalise.ts';
import { SEVERITY_TAGS, loadList, type ListEntry } from './phrases.ts';
import type { NormalisedText, StageOutput } from './stage.ts';
import { SEVERITIES, type Finding, type Severity } from './types.ts';

/** The folder of the lists shipped with Trellis. */
export const DEFAULT_LIST_DIR = fileURLToPath(new URL('./lists/', import.meta.url));

/** The output of a stage that found nothing, shared (the runner only reads stage outputs). */
export const NOTHING_FOUND: StageOutput = Object.freeze({ findings: Object.freeze([]) as unknown as Finding[] });

/** What a list entry means when it matches. */
export interface Rule {
  category: string;
  severity: Severity;
  /** `<list>:<entry as written>`, recorded in the finding. */
  rule: string;
}

/** Entries of one list, tagged with the category they raise. */
export interface CategoryList {
  category: string;
  /** Name used in rule ids, e.g. the file name. */
  name: string;
  entries: ListEntry[];
}

/** Loads `<dir>/<category>.txt` for each category (graded lists: tagged with a severity). */
export function loadCategoryLists(dir: string, categories: readonly string[]): CategoryList[] {
  return categories.map((category) => ({
    category,
    name: category,
    entries: loadList(join(dir, `${category}.txt`), SEVERITY_TAGS),
  }));
}

/** Compiles category lists into one matcher. */
export function compileRules(lists: readonly CategoryList[]): PhraseMatcher<Rule> {
  const entries = lists.flatMap((list) =>
    list.entries.map((entry) => ({
      ...entry,
      value: { category: list.category, severity: entry.tag as Severity, rule: `${list.name}:${entry.source}` },
    })),
  );
  return new PhraseMatcher(entries);
}

/** Compiles a plain allow-list into a matcher of allowed ranges. */
export function compileAllowList(entries: readonly ListEntry[]): PhraseMatcher<true> {
  return new PhraseMatcher(entries.map((entry) => ({ ...entry, value: true as const })));
}

/** Whether a match lies wholly inside one of the allowed ranges. */
function isAllowed(match: PhraseMatch<Rule>, allowed: readonly PhraseMatch<true>[]): boolean {
  return allowed.some((a) => a.start <= match.start && match.end <= a.end);
}

/**
 * Whether a finding's span lies inside a longer span of another finding of the same category and
 * at least the same severity (`our little secret` inside `this is our little secret`).
 */
export function insideAnother(finding: Finding, others: readonly Finding[]): boolean {
  const a = finding.span;
  const rank = SEVERITIES.indexOf(finding.severity);
  return a !== undefined && others.some((o) => o !== finding && o.category === finding.category && o.span !== undefined &&
    o.span.start <= a.start && a.end <= o.span.end && o.span.end - o.span.start > a.end - a.start &&
    SEVERITIES.indexOf(o.severity) >= rank);
}

/**
 * Runs the rules over the normalised text and returns one finding per category and span (the
 * most severe rule wins), minus the matches the allow-list covers and those inside a longer
 * match of the same category. Spans are original offsets.
 */
export function findRules(
  stage: string,
  rules: PhraseMatcher<Rule>,
  allow: PhraseMatcher<true> | undefined,
  normalised: NormalisedText,
): Finding[] {
  const matches = rules.match(normalised.text, normalised.alternatives);
  if (matches.length === 0) return NOTHING_FOUND.findings;
  const allowed = allow ? allow.match(normalised.text, normalised.alternatives) : [];
  const byKey = new Map<string, Finding>();
  for (const match of matches) {
    if (allowed.length > 0 && isAllowed(match, allowed)) continue;
    const { category, severity, rule } = match.value;
    const key = `${category}:${match.start}:${match.end}`;
    const previous = byKey.get(key);
    if (previous && SEVERITIES.indexOf(previous.severity) >= SEVERITIES.indexOf(severity)) continue;
    byKey.set(key, { stage, category, severity, rule, span: toOriginalSpan(normalised, match.start, match.end) });
  }
  const findings = [...byKey.values()];
  return findings.length > 1 ? findings.filter((f) => !insideAnother(f, findings)) : findings;
}
