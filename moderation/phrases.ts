/**
 * Phrase lists: the data files under `moderation/lists/` that admins extend. Parsed and
 * validated at load; a bad entry stops loading with an error naming the file, line and entry.
 *
 * Format, one entry per line (`#` starts a comment):
 *   `<tag> <phrase>` in tagged lists, or just `<phrase>` in plain lists (allow-list...). Graded
 *   lists are tagged with a severity: `low`, `medium`, `high`, `critical`. A phrase may use `(a|b|)` groups for
 * alternatives (an empty alternative makes the group optional), a leading `*` to let it begin
 * inside a word and a trailing `*` to let it end inside one (`fuck*` also matches `fucking`);
 * the stars apply to the expanded phrase, so `(class|classic*)` works.
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
 * Parses a list's text. In tagged lists (`tags` given) each line starts with one of `tags`.
 * Throws `ListError` naming `file`, the line and the entry on the first bad line.
 */
export function parseList(file: string, text: string, tags?: readonly string[]): ListEntry[] {
  const entries: ListEntry[] = [];
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
      entries.push({ phrase, source: variant.replace(/\s+/g, ' ').trim(), tag, startInside, endInside });
    }
  });
  return entries;
}

/** Reads and parses a list file (see `parseList`). */
export function loadList(path: string, tags?: readonly string[]): ListEntry[] {
  return parseList(path, readFileSync(path, 'utf8'), tags);
}
