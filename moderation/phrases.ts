/**
 * Phrase lists: the data files under `moderation/lists/` that admins extend. Parsed and
 * validated at load; a bad entry stops loading with an error naming the file, line and entry.
 *
 * Format, one entry per line (`#` starts a comment):
 *   `<severity> <phrase>` in graded lists, or just `<phrase>` in plain lists (allow-list...).
 * Severity is one of `low`, `medium`, `high`, `critical`. A phrase may use `(a|b|)` groups for
 * alternatives (an empty alternative makes the group optional), a leading `*` to let it begin
 * inside a word and a trailing `*` to let it end inside one (`fuck*` also matches `fucking`);
 * the stars apply to the expanded phrase, so `(class|classic*)` works.
 */
import { readFileSync } from 'node:fs';
import { normalise } from './normalise.ts';
import { SEVERITIES, type Severity } from './types.ts';

/** One phrase of a list, after expansion of its groups and normalisation. */
export interface ListEntry {
  /** Normalised phrase: words of the normalised text separated by single spaces. */
  phrase: string;
  /** The phrase as written (after expanding groups), recorded in findings' rules. */
  source: string;
  severity: Severity;
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
 * Parses a list's text. `graded` lists need a severity before each phrase. Throws `ListError`
 * naming `file`, the line and the entry on the first bad line.
 */
export function parseList(file: string, text: string, graded: boolean): ListEntry[] {
  const entries: ListEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const fail = (problem: string): never => {
      throw new ListError(file, index + 1, line, problem);
    };
    let severity: Severity = 'medium';
    let pattern = line;
    if (graded) {
      const [word = '', ...rest] = line.split(/\s+/);
      if (!SEVERITIES.includes(word as Severity) || word === 'none') {
        fail(`expected a severity (low, medium, high, critical) first, got ${JSON.stringify(word)}`);
      }
      severity = word as Severity;
      pattern = rest.join(' ');
    }
    if (!ALLOWED.test(pattern)) fail('unexpected character (letters, digits, spaces, \' ( | ) * . , - $ @ ! + only)');
    let variants: string[] = [];
    try {
      variants = expand(pattern);
    } catch (error) {
      fail((error as Error).message);
    }
    for (const variant of variants) {
      const startInside = variant.startsWith('*');
      const endInside = variant.endsWith('*') && variant.length > 1;
      const body = variant.slice(startInside ? 1 : 0, endInside ? -1 : undefined);
      if (body.includes('*')) fail("'*' is only allowed at the start or the end of a phrase or alternative");
      const phrase = normalisePhrase(body);
      if (phrase.replace(/ /g, '').length < 2) fail(`the variant ${JSON.stringify(variant)} is shorter than two letters`);
      entries.push({ phrase, source: variant.trim(), severity, startInside, endInside });
    }
  });
  return entries;
}

/** Reads and parses a list file (see `parseList`). */
export function loadList(path: string, graded: boolean): ListEntry[] {
  return parseList(path, readFileSync(path, 'utf8'), graded);
}
