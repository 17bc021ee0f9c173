/**
 * Graded phrase lists compiled into one matcher, and the turning of its matches into findings:
 * shared by the lexical and safeguarding stages.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhraseMatcher, type MatcherEntry, type PhraseMatch } from './matcher.ts';
import type { PhraseBook, PhraseSet } from './phrase-book.ts';
import { isPlain, toOriginalSpan } from './normalise.ts';
import { SEVERITY_TAGS, loadList, loadRuleList, type ListEntry, type NearEntry } from './phrases.ts';
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

/** A `near` co-occurrence rule of a category list (see `NearEntry` in `phrases.ts`). */
export interface NearRule extends Rule {
  window: number;
}

/** Graded lists that may hold `near` rules: their phrase lists and their co-occurrence rules. */
export interface GradedLists {
  lists: CategoryList[];
  near: Array<{ category: string; name: string; entry: NearEntry }>;
}

/** Loads `<dir>/<category>.txt` for each category, accepting `near` rules (safeguarding lists). */
export function loadGradedLists(dir: string, categories: readonly string[]): GradedLists {
  const graded: GradedLists = { lists: [], near: [] };
  for (const category of categories) {
    const parsed = loadRuleList(join(dir, `${category}.txt`), SEVERITY_TAGS);
    graded.lists.push({ category, name: category, entries: parsed.phrases });
    for (const entry of parsed.near) graded.near.push({ category, name: category, entry });
  }
  return graded;
}

/** Which part of which `near` rule a phrase belongs to. */
interface NearPart {
  rule: number;
  side: 'left' | 'right' | 'unless';
}

/** Bits of the sides of a `near` rule found in a text. */
const SIDE_BITS = { left: 1, right: 2, unless: 4 } as const;

/** A `near` rule with both sides and no exception found: its pairs must be checked. */
const PAIRABLE = SIDE_BITS.left | SIDE_BITS.right;

/** Whether the spans of two findings overlap. */
const overlaps = (a: Finding, b: Finding): boolean =>
  a.span !== undefined && b.span !== undefined && a.span.start < b.span.end && b.span.start < a.span.end;

/** A phrase of the side of a `near` rule that is looked for first (see `GradedRules`). */
interface Trigger {
  trigger: number;
}

/** The length of the shortest phrase of a `near` rule's side. */
const shortest = (side: readonly ListEntry[]): number => side.reduce((min, e) => Math.min(min, e.phrase.length), Infinity);

/** The side of a `near` rule looked for first: the one whose shortest phrase is longer (short phrases are common words). */
const triggerSide = (entry: NearEntry): 'left' | 'right' => (shortest(entry.left) > shortest(entry.right) ? 'left' : 'right');

/**
 * Phrase rules and `near` rules of graded lists. The shared scan looks for the phrases and for
 * one side of each `near` rule (its trigger, the rarer-looking side); a trigger found sends the
 * text through a small matcher of that rule's other side and exceptions, and only when the other
 * side is there without an exception is the text scanned for every part of every rule, and pairs
 * checked among the few found.
 */
export class GradedRules {
  readonly #near: NearRule[];
  readonly #phrases: PhraseSet<Rule | Trigger>;
  /** Per `near` rule, its other side (`true`) and its exceptions (`false`). */
  readonly #others: Array<PhraseMatcher<boolean>>;
  /** Every phrase and every part of the `near` rules, scanned when a pair may be there. */
  readonly #all: PhraseMatcher<Rule | NearPart>;
  /** Per `near` rule, the `SIDE_BITS` found by the running `#withPairs` (all 0 between calls). */
  readonly #sides: Uint8Array;

  /** Adds the phrases and the triggers of the `near` rules of `graded` to `book`. */
  constructor(graded: GradedLists, book: PhraseBook) {
    this.#near = graded.near.map(({ category, name, entry }) => ({
      category, severity: entry.tag as Severity, rule: `${name}:${entry.source}`, window: entry.window,
    }));
    const phrases = ruleEntries(graded.lists);
    const parts = graded.near.flatMap(({ entry }, rule) =>
      (['left', 'right', 'unless'] as const).flatMap((side) => entry[side].map((e) => ({ ...e, value: { rule, side } as Rule | NearPart }))));
    this.#all = new PhraseMatcher([...phrases, ...parts]);
    const triggers = graded.near.flatMap(({ entry }, rule) => entry[triggerSide(entry)].map((e) => ({ ...e, value: { trigger: rule } as Rule | Trigger })));
    this.#others = graded.near.map(({ entry }) => new PhraseMatcher([
      ...entry[triggerSide(entry) === 'left' ? 'right' : 'left'].map((e) => ({ ...e, value: true })),
      ...entry.unless.map((e) => ({ ...e, value: false })),
    ]));
    this.#phrases = book.add([...phrases, ...triggers]);
    this.#sides = new Uint8Array(this.#near.length);
  }

  /**
   * Findings of the phrases (as `findRules`) and of the `near` rules whose two sides occur close
   * together; a pair overlapping a phrase finding of its category, or inside another pair, adds
   * nothing (the phrase names the words more exactly). Spans are original offsets.
   */
  find(stage: string, normalised: NormalisedText): Finding[] {
    const set = this.#phrases;
    const count = set.scan(normalised);
    let phraseMatches: Array<PhraseMatch<Rule>> | undefined;
    let pairs = false;
    for (let i = 0; i < count; i++) {
      const value = set.value(i);
      if (value === undefined) continue;
      if ('trigger' in value) pairs ||= this.#otherSide(value.trigger, normalised);
      else (phraseMatches ??= []).push({ start: set.start(i), end: set.end(i), value });
    }
    if (pairs) return this.#withPairs(stage, normalised);
    return phraseMatches === undefined ? NOTHING_FOUND.findings : findingsOf(stage, phraseMatches, [], normalised);
  }

  /** Whether the other side of `near` rule `rule` is in the text and none of its exceptions. */
  #otherSide(rule: number, normalised: NormalisedText): boolean {
    const others = this.#others[rule] as PhraseMatcher<boolean>;
    const count = others.scan(normalised.text, normalised.alternatives);
    let found = false;
    for (let i = 0; i < count; i++) {
      if (!others.matchValue(i)) return false;
      found = true;
    }
    return found;
  }

  /** `find` once a pair may be there: every phrase and part, then the pairs. */
  #withPairs(stage: string, normalised: NormalisedText): Finding[] {
    const all = this.#all;
    const count = all.scan(normalised.text, normalised.alternatives);
    // NOTE: parts are kept only for rules whose pairs must be checked (both sides, no exception).
    const sides = this.#sides;
    let phraseMatches: Array<PhraseMatch<Rule>> | undefined;
    for (let i = 0; i < count; i++) {
      const value = all.matchValue(i);
      if ('side' in value) sides[value.rule] = (sides[value.rule] as number) | SIDE_BITS[value.side];
      else (phraseMatches ??= []).push({ start: all.matchStart(i), end: all.matchEnd(i), value });
    }
    let parts: Array<PhraseMatch<NearPart>> | undefined;
    for (let i = 0; i < count; i++) {
      const value = all.matchValue(i);
      if ('side' in value && sides[value.rule] === PAIRABLE) (parts ??= []).push({ start: all.matchStart(i), end: all.matchEnd(i), value });
    }
    for (let i = 0; i < count; i++) {
      const value = all.matchValue(i);
      if ('side' in value) sides[value.rule] = 0;
    }
    const phrases = phraseMatches === undefined ? NOTHING_FOUND.findings : findingsOf(stage, phraseMatches, [], normalised);
    if (parts === undefined) return phrases;
    const found = this.#pairs(stage, parts, normalised);
    const pairs = found.filter((p, i) => !phrases.some((f) => f.category === p.category && overlaps(f, p)) &&
      !found.some((q, j) => j < i && q.category === p.category && q.span?.start === p.span?.start && q.span?.end === p.span?.end));
    return pairs.length === 0 ? phrases : [...phrases, ...pairs.filter((p) => !insideAnother(p, pairs))];
  }

  /** Findings of the `near` rules among the parts found (of rules with both sides and no exception found). */
  #pairs(stage: string, parts: readonly PhraseMatch<NearPart>[], normalised: NormalisedText): Finding[] {
    const findings: Finding[] = [];
    for (const left of parts) {
      if (left.value.side !== 'left') continue;
      const rule = this.#near[left.value.rule] as NearRule;
      const right = parts.find((p) => p.value.rule === left.value.rule && p.value.side === 'right' && close(normalised.text, left, p, rule.window));
      if (!right) continue;
      const start = Math.min(left.start, right.start);
      const end = Math.max(left.end, right.end);
      findings.push({ stage, category: rule.category, severity: rule.severity, rule: rule.rule, span: toOriginalSpan(normalised, start, end) });
    }
    return findings;
  }
}

/**
 * Whether two matches do not overlap and lie in one sentence with at most `window` words
 * between them.
 */
function close(text: string, a: PhraseMatch<NearPart>, b: PhraseMatch<NearPart>, window: number): boolean {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  if (first.end > second.start) return false;
  const between = text.slice(first.end, second.start);
  if (/[.!?;]/.test(between)) return false;
  const words = between.trim() === '' ? 0 : between.trim().split(/\s+/).length;
  return words <= window;
}

/** Words typed as spaced letters with wider gaps between words: `m e e t  m e  a l o n e`. */
const SPACED_WORDS = /(?:^|\s)\p{L}(?: \p{L}){2,}(?:\s{2,}\p{L}(?: \p{L})*)+(?=\s|$)/u;
const SPACED_RUN = /(?<![\p{L}\p{N}])\p{L}(?: \p{L})+(?![\p{L}\p{N}])/gu;

/**
 * The text with words typed as spaced letters joined back into words (`meet me alone`), when it
 * has some; otherwise undefined. The normaliser joins such letters into one long word, which
 * loses the word gaps that phrases need.
 */
export function joinSpacedWords(original: string): string | undefined {
  if (!original.includes('  ') || !SPACED_WORDS.test(original)) return undefined;
  return original.replace(SPACED_RUN, (run) => run.replace(/ /g, '')).replace(/\s{2,}/g, ' ');
}

/** `joinSpacedWords` of a normalised text's original (plain texts have no runs of spaces). */
export function joinedSpacedWords(normalised: NormalisedText): string | undefined {
  return isPlain(normalised) ? undefined : joinSpacedWords(normalised.original);
}

/** The matcher entries of category lists, each valued with its rule. */
export function ruleEntries(lists: readonly CategoryList[]): Array<MatcherEntry<Rule>> {
  return lists.flatMap((list) =>
    list.entries.map((entry) => ({
      ...entry,
      value: { category: list.category, severity: entry.tag as Severity, rule: `${list.name}:${entry.source}` },
    })),
  );
}

/** Compiles category lists into one matcher. */
export function compileRules(lists: readonly CategoryList[]): PhraseMatcher<Rule> {
  return new PhraseMatcher(ruleEntries(lists));
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
  rules: PhraseSet<Rule>,
  allow: PhraseMatcher<true> | undefined,
  normalised: NormalisedText,
): Finding[] {
  const matches = rules.match(normalised);
  if (matches.length === 0) return NOTHING_FOUND.findings;
  return findingsOf(stage, matches, allow ? allow.match(normalised.text, normalised.alternatives) : [], normalised);
}

/** The findings of phrase matches (see `findRules`), minus those inside `allowed` ranges. */
function findingsOf(stage: string, matches: readonly PhraseMatch<Rule>[], allowed: readonly PhraseMatch<true>[], normalised: NormalisedText): Finding[] {
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
