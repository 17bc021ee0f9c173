/**
 * Phrase lists: the data files under `moderation/lists/` that admins extend. Parsed and
 * validated at load; a bad entry stops loading with an error naming the file, line and entry.
 *
 * Format, one entry per line (`#` starts a comment):
 *   `<tag> <phrase>` in tagged lists, or just `<phrase>` in plain lists (allow-list...). Graded
 *   lists are tagged with a severity: `low`, `medium`, `high`, `critical`. A phrase may use `(a|b|)` groups for
 * alternatives (an empty alternative makes the group optional), a leading `*` to let it begin
 * inside a word and a trailing `*` to let it end inside one (`fuck*` also matches `fucking`);
 * the stars apply to the expanded phrase, so `(class|classic*)` works. Safeguarding lists may
 * also hold `near` co-occurrence rules (see `NearEntry`).
 */
import { readFileSync } from 'node:fs';
import { normalise } from './normalise.ts';

/** Tags of graded lists: the severities a list entry may have. */
export const SEVERITY_TAGS = ['low', 'medium', 'high', 'critical'] as const;

/** One phrase of a list, after expansion of its groups and normalisation. */
export interface ListEntry {
  /** Normalised phrase: words of the normalised text separated by single spaces. */
  phrase: string;
  /** The phrase as written (after expanding groups), recorded in findings' rules. */
  source: string;
  /** The first word of the line in tagged lists (a severity in graded lists), else `''`. */
  tag: string;
  /** The phrase may begin inside a word (written with a leading `*`). */
  startInside: boolean;
  /** The phrase may end inside a word (written with a trailing `*`). */
  endInside: boolean;
}

/** A list file that failed validation. */
export class ListError extends Error {
  /** Builds the error naming the file, line and entry. */
  constructor(file: string, line: number, entry: string, problem: string) {
    super(`${file}:${line}: ${problem} in entry ${JSON.stringify(entry)}`);
    this.name = 'ListError';
  }
}

const MAX_EXPANSIONS = 4096;
const ALLOWED = /^[\p{L}\p{N} '’().,|$@!+\-*]+$/u;

/** Expands `(a|b)` groups into every combination; throws a message on malformed groups. */
function expand(pattern: string): string[] {
  let results = [''];
  for (const part of pattern.split(/(\([^()]*\))/)) {
    if (part.includes('(') || part.includes(')')) {
      if (!/^\([^()]*\)$/.test(part)) throw new Error('unbalanced or nested parentheses');
      const options = part.slice(1, -1).split('|');
      results = results.flatMap((prefix) => options.map((option) => prefix + option));
    } else {
      if (part.includes('|')) throw new Error("'|' outside parentheses");
      results = results.map((prefix) => prefix + part);
    }
    if (results.length > MAX_EXPANSIONS) throw new Error(`more than ${MAX_EXPANSIONS} expansions`);
  }
  return results;
}

/** Normalises a phrase the way texts are normalised, with any run of non-word characters as one space. */
export function normalisePhrase(phrase: string): string {
  return normalise(phrase).text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * A co-occurrence rule of a graded list, written
 * `<severity> near <N> <phrases> & <phrases> [unless <phrases>]`: it matches when a phrase of
 * each side occurs, in either order, with at most `N` words between them and no sentence end
 * (`.`, `!`, `?`) in between, unless one of the `unless` phrases occurs anywhere in the message
 * (e.g. `medium near 4 (meet|come over) & (alone|just us) unless (library session|video call)`).
 */
export interface NearEntry {
  /** The severity (the first word of the line). */
  tag: string;
  /** The rule as written after the severity, recorded in findings' rules. */
  source: string;
  /** The most words allowed between the two sides. */
  window: number;
  left: ListEntry[];
  right: ListEntry[];
  unless: ListEntry[];
}

/** A parsed list: its phrase entries and its co-occurrence rules. */
export interface ParsedList {
  phrases: ListEntry[];
  near: NearEntry[];
}

const NEAR = /^near\s+(\d+)\s+(.*)$/;
const MAX_WINDOW = 12;

/** Expands and normalises one phrase pattern into entries; `fail` throws with a problem. */
function parsePattern(pattern: string, tag: string, fail: (problem: string) => never, minLetters = 2): ListEntry[] {
  if (!ALLOWED.test(pattern)) fail('unexpected character (letters, digits, spaces, \' ( | ) * . , - $ @ ! + only)');
  let variants: string[] = [];
  try {
    variants = expand(pattern);
  } catch (error) {
    fail((error as Error).message);
  }
  return variants.map((variant) => {
    const startInside = variant.startsWith('*');
    const endInside = variant.endsWith('*') && variant.length > 1;
    const body = variant.slice(startInside ? 1 : 0, endInside ? -1 : undefined);
    if (body.includes('*')) fail("'*' is only allowed at the start or the end of a phrase or alternative");
    const phrase = normalisePhrase(body);
    if (phrase.replace(/ /g, '').length < minLetters) fail(`the variant ${JSON.stringify(variant)} is shorter than ${minLetters === 1 ? 'one letter' : 'two letters'}`);
    return { phrase, source: variant.replace(/\s+/g, ' ').trim(), tag, startInside, endInside };
  });
}

/** Parses the part of a `near` line after `near <N>`. */
function parseNear(tag: string, window: number, rest: string, fail: (problem: string) => never): NearEntry {
  if (window < 0 || window > MAX_WINDOW) fail(`a near window must be 0 to ${MAX_WINDOW} words`);
  const [pair = '', unless, ...extra] = rest.split(/\s+unless(?:\s+|$)/);
  const sides = pair.split(/\s+&\s+/);
  if (extra.length > 0 || unless?.trim() === '') fail("expected at most one non-empty 'unless' part");
  if (sides.length !== 2 || sides.some((side) => side.trim() === '')) fail("expected two sides joined by ' & '");
  return {
    tag,
    source: `near ${window} ${rest.replace(/\s+/g, ' ').trim()}`,
    window,
    // NOTE: a side may be one letter (`i`): it only counts next to the other side.
    left: parsePattern((sides[0] as string).trim(), tag, fail, 1),
    right: parsePattern((sides[1] as string).trim(), tag, fail, 1),
    unless: unless === undefined ? [] : parsePattern(unless.trim(), tag, fail),
  };
}

/**
 * Parses a list's text, with `near` co-occurrence rules when `allowNear` (graded safeguarding
 * lists). In tagged lists (`tags` given) each line starts with one of `tags`. Throws `ListError`
 * naming `file`, the line and the entry on the first bad line.
 */
export function parseRuleList(file: string, text: string, tags: readonly string[] | undefined, allowNear: boolean): ParsedList {
  const parsed: ParsedList = { phrases: [], near: [] };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const fail = (problem: string): never => {
      throw new ListError(file, index + 1, line, problem);
    };
    let tag = '';
    let pattern = line;
    if (tags) {
      const [word = '', ...rest] = line.split(/\s+/);
      if (!tags.includes(word)) fail(`expected one of ${tags.join(', ')} first, got ${JSON.stringify(word)}`);
      tag = word;
      pattern = rest.join(' ');
    }
    const near = NEAR.exec(pattern);
    if (near && !allowNear) fail("'near' rules are only allowed in safeguarding lists");
    if (near) parsed.near.push(parseNear(tag, Number(near[1]), near[2] as string, fail));
    else parsed.phrases.push(...parsePattern(pattern, tag, fail));
  });
  return parsed;
}

/** Parses a list's text of phrases only (see `parseRuleList`). */
export function parseList(file: string, text: string, tags?: readonly string[]): ListEntry[] {
  return parseRuleList(file, text, tags, false).phrases;
}

/** Reads and parses a list file (see `parseList`). */
export function loadList(path: string, tags?: readonly string[]): ListEntry[] {
  return parseList(path, readFileSync(path, 'utf8'), tags);
}

/** Reads and parses a graded list file that may hold `near` rules (see `parseRuleList`). */
export function loadRuleList(path: string, tags: readonly string[]): ParsedList {
  return parseRuleList(path, readFileSync(path, 'utf8'), tags, true);
}
