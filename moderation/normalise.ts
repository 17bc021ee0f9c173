/**
 * Normalisation of a text for matching, keeping a map back to the original characters so that a
 * finding (and a redaction) names exactly what the sender typed.
 *
 * Two views are produced in one pass over the text:
 * - `literal`: case folded, NFKD without accents, lookalike letters replaced, invisible characters
 *   removed, spaces collapsed, any script's digits as ASCII digits. Contact details are read here.
 * - `text`: the literal view plus joining of separated single letters (`f.u.c.k`, `f u c k`),
 *   apostrophes inside words dropped (`don't` → `dont`), leetspeak inside words that contain a
 *   letter (`sh1t`, `$hit`, `a$$`; a lone `2024` stays digits), runs of three or more equal
 *   letters cut to two (`fuuuuck` → `fuuck`; matchers absorb the remaining repeat). Ambiguous
 *   leetspeak (`1` as `i` or `l`) is recorded in `alternatives`.
 */
import { foldCodePoint, isLetterUnit } from './fold.ts';
import type { NormalisedText, TextView } from './stage.ts';

/** Leetspeak readings: first the main one, then the alternatives. */
const LEET: Record<string, string> = {
  '0': 'o', '1': 'il', '3': 'e', '4': 'a', '5': 's', '6': 'gb', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', $: 's', '!': 'il', '|': 'li', '+': 't',
};

/** Symbols that never start a word as leetspeak (`@name` is a handle, `!` a bang). */
const NOT_LEADING = new Set(['@', '!', '|', '+']);
/** Symbols that never end a word as leetspeak (`wow!`). */
const NOT_TRAILING = new Set(['!', '|', '+']);
/** Characters that may separate the single letters of a disguised word (`f.u.c.k`). */
const SEPARATORS = new Set([' ', '.', '-', '_', '*', ',', '~', '/', '\\', ':', ';', '"', '^', '=', '·', '•']);

const enum Kind { Letter, Digit, Leet, Apostrophe, Separator, Other }

/** Builds the literal view (see the module comment). */
function buildLiteral(original: string): TextView {
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (unit: string, start: number, end: number): void => {
    if (unit === ' ' && units[units.length - 1] === ' ') {
      ends[ends.length - 1] = end;
      return;
    }
    units.push(unit);
    starts.push(start);
    ends.push(end);
  };
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    if (code < 128) {
      if (code <= 32 || code === 127) {
        if (code === 32 || (code >= 9 && code <= 13)) push(' ', i, i + 1);
      } else {
        push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : original[i] as string, i, i + 1);
      }
      i += 1;
      continue;
    }
    const cp = original.codePointAt(i) as number;
    const size = cp > 0xffff ? 2 : 1;
    for (const unit of foldCodePoint(cp)) push(unit, i, i + size);
    i += size;
  }
  return { text: units.join(''), starts, ends };
}

/** Classifies one unit of the literal view. */
function kindOf(unit: string): Kind {
  const code = unit.charCodeAt(0);
  if (code >= 48 && code <= 57) return Kind.Digit;
  if (isLetterUnit(code)) return Kind.Letter;
  if (unit === "'") return Kind.Apostrophe;
  if (LEET[unit] !== undefined) return Kind.Leet;
  return SEPARATORS.has(unit) ? Kind.Separator : Kind.Other;
}

const isWordKind = (kind: Kind | undefined): boolean =>
  kind === Kind.Letter || kind === Kind.Digit || kind === Kind.Leet;

/**
 * Runs of word units `[start, end)` among `indices` (positions into the literal view), without
 * the symbols that are punctuation at a word's edge (`@name`, `wow!`).
 */
function wordRuns(literal: string, kinds: Kind[], indices: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let runStart = -1;
  for (let j = 0; j <= indices.length; j++) {
    const word = j < indices.length && isWordKind(kinds[indices[j] as number]);
    if (word && runStart < 0) runStart = j;
    if (word || runStart < 0) continue;
    let a = runStart;
    let b = j;
    while (a < b && NOT_LEADING.has(literal[indices[a] as number] as string)) a++;
    while (b > a && NOT_TRAILING.has(literal[indices[b - 1] as number] as string)) b--;
    if (a < b) runs.push([a, b]);
    runStart = -1;
  }
  return runs;
}

/**
 * Literal indices that survive into the main view: drops the separators between three or more
 * single-unit words in a row (`f.u.c.k`) and apostrophes between word units (`don't`).
 */
function keptIndices(literal: string, kinds: Kind[]): number[] {
  const all = Array.from({ length: literal.length }, (_, i) => i);
  const drop = new Uint8Array(literal.length);
  for (let i = 1; i + 1 < literal.length; i++) {
    if (kinds[i] === Kind.Apostrophe && isWordKind(kinds[i - 1]) && isWordKind(kinds[i + 1])) drop[i] = 1;
  }
  const runs = wordRuns(literal, kinds, all);
  let chainStart = 0;
  for (let r = 1; r <= runs.length; r++) {
    const prev = runs[r - 1] as [number, number];
    const next = runs[r];
    const gap = next ? next[0] - prev[1] : 0;
    const continues = next !== undefined && prev[1] - prev[0] === 1 && next[1] - next[0] === 1 &&
      gap >= 1 && gap <= 2 && kinds.slice(prev[1], next[0]).every((k) => k === Kind.Separator || k === Kind.Apostrophe);
    if (continues) continue;
    if (r - chainStart >= 3) {
      for (let c = chainStart; c < r - 1; c++) {
        for (let i = (runs[c] as [number, number])[1]; i < (runs[c + 1] as [number, number])[0]; i++) drop[i] = 1;
      }
    }
    chainStart = r;
  }
  return all.filter((i) => drop[i] === 0);
}

/**
 * Normalises a text for matching (see the module comment for what each view defeats). Every unit
 * of every view maps back to a half-open range of the original, so spans found in `text` or
 * `literal` can be turned into original offsets with `toOriginalSpan`.
 */
export function normalise(original: string): NormalisedText {
  const literal = buildLiteral(original);
  const kinds = Array.from(literal.text, (unit) => kindOf(unit));
  const kept = keptIndices(literal.text, kinds);
  // Which kept positions read as leetspeak: word runs containing a letter, minus edge symbols.
  const leet = new Uint8Array(kept.length);
  for (const [a, b] of wordRuns(literal.text, kinds, kept)) {
    let hasLetter = false;
    for (let j = a; j < b && !hasLetter; j++) hasLetter = kinds[kept[j] as number] === Kind.Letter;
    if (hasLetter) leet.fill(1, a, b);
  }
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let alternatives: Map<number, string> | undefined;
  for (let j = 0; j < kept.length; j++) {
    const index = kept[j] as number;
    const unit = literal.text[index] as string;
    const readings = leet[j] === 1 && kinds[index] !== Kind.Letter ? LEET[unit] : undefined;
    const out = readings ? (readings[0] as string) : unit;
    const n = units.length;
    if (n >= 2 && units[n - 1] === out && units[n - 2] === out && isLetterUnit(out.charCodeAt(0))) {
      ends[n - 1] = literal.ends[index] as number;
      continue;
    }
    if (readings && readings.length > 1) (alternatives ??= new Map()).set(n, readings.slice(1));
    units.push(out);
    starts.push(literal.starts[index] as number);
    ends.push(literal.ends[index] as number);
  }
  const result: NormalisedText = { original, text: units.join(''), starts, ends, literal };
  if (alternatives) result.alternatives = alternatives;
  return result;
}

/** Maps a range `[start, end)` of a view (`text` or `literal`) back to the original text. */
export function toOriginalSpan(view: TextView, start: number, end: number): { start: number; end: number } {
  return { start: view.starts[start] as number, end: view.ends[end - 1] as number };
}
