/**
 * Normalisation of a text for matching, keeping a map back to the original characters so that a
 * finding (and a redaction) names exactly what the sender typed.
 *
 * Two views are produced:
 * - `literal`: case folded, NFKD without accents, lookalike letters replaced, invisible characters
 *   removed, spaces collapsed, any script's digits as ASCII digits. Contact details are read here.
 * - `text`: the literal view plus joining of separated single letters (`f.u.c.k`, `f u c k`),
 *   apostrophes inside words dropped (`don't` → `dont`), leetspeak inside words that contain a
 *   letter (`sh1t`, `$hit`, `a$$`; a lone `2024` stays digits), runs of three or more equal
 *   letters cut to two (`fuuuuck` → `fuuck`; matchers absorb the remaining repeat). Ambiguous
 *   leetspeak (`1` as `i` or `l`) is recorded in `alternatives`.
 *
 * NOTE: this runs on every message before every stage; it works on arrays of char codes and
 * allocates little, on purpose.
 */
import { foldCodePoint, isLetterUnit } from './fold.ts';
import type { NormalisedText, TextView } from './stage.ts';

/** Unit kinds. */
const LETTER = 1;
const DIGIT = 2;
const LEET = 3;
const APOSTROPHE = 4;
const SEPARATOR = 5;
const OTHER = 6;

/** Leetspeak readings by char code: first the main one, then the alternatives. */
const LEET_READINGS = new Map<number, string>(
  Object.entries({
    '0': 'o', '1': 'il', '3': 'e', '4': 'a', '5': 's', '6': 'gb', '7': 't', '8': 'b', '9': 'g',
    '@': 'a', $: 's', '!': 'il', '|': 'li', '+': 't',
  }).map(([from, to]) => [from.charCodeAt(0), to]),
);

const codesOf = (chars: string): Set<number> => new Set(Array.from(chars, (c) => c.charCodeAt(0)));
/** A flag per ASCII code: whether it is one of `chars` (all ASCII). */
const asciiFlags = (chars: string): Uint8Array => {
  const flags = new Uint8Array(128);
  for (const code of codesOf(chars)) flags[code] = 1;
  return flags;
};
/** Symbols that never start a word as leetspeak (`@name` is a handle, `!` a bang). */
const NOT_LEADING = asciiFlags('@!|+');
/** Symbols that never end a word as leetspeak (`wow!`). */
const NOT_TRAILING = asciiFlags('!|+');
/** Characters that may separate the single letters of a disguised word (`f.u.c.k`). */
const SEPARATORS = codesOf(' .-_*,~/\\:;"^=·•');

/** Kind of each ASCII code. */
const ASCII_KINDS = Uint8Array.from({ length: 128 }, (_, code) => {
  if (code >= 48 && code <= 57) return DIGIT;
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return LETTER;
  if (code === 39) return APOSTROPHE;
  if (LEET_READINGS.has(code)) return LEET;
  return SEPARATORS.has(code) ? SEPARATOR : OTHER;
});

const kindOf = (code: number): number =>
  code < 128 ? (ASCII_KINDS[code] as number) : isLetterUnit(code) ? LETTER : SEPARATORS.has(code) ? SEPARATOR : OTHER;

const isWordKind = (kind: number): boolean => kind === LETTER || kind === DIGIT || kind === LEET;

/** Bits of `ASCII_CLASSES`: what `asciiState` needs to know of a unit. */
const PRINTABLE = 1;
const WORD = 2;
const IS_LETTER = 4;
/** Read as leetspeak inside a word (`LEET_READINGS`). */
const LEETABLE = 8;
const LEADING = 16;
const TRAILING = 32;
/** A separator or an apostrophe: may separate the single letters of a disguised word. */
const GAP = 64;
const IS_APOSTROPHE = 128;

/** The class bits of each ASCII code (0 for control codes). */
const ASCII_CLASSES = Uint8Array.from({ length: 128 }, (_, code) => {
  if (code < 0x20 || code > 0x7e) return 0;
  const kind = ASCII_KINDS[code] as number;
  return PRINTABLE | (isWordKind(kind) ? WORD : 0) | (kind === LETTER ? IS_LETTER : 0) | (kind !== LETTER && LEET_READINGS.has(code) ? LEETABLE : 0) |
    (NOT_LEADING[code] === 1 ? LEADING : 0) | (NOT_TRAILING[code] === 1 ? TRAILING : 0) |
    (kind === SEPARATOR || kind === APOSTROPHE ? GAP : 0) | (kind === APOSTROPHE ? IS_APOSTROPHE : 0);
});

/** The class bits of a unit (0 beyond ASCII). */
const classOf = (code: number): number => (code < 128 ? (ASCII_CLASSES[code] as number) : 0);

/** Builds a string from char codes (chunked: `apply` has an argument limit). */
function fromCodes(codes: number[]): string {
  if (codes.length <= 8192) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode.apply(null, codes.slice(i, i + 8192));
  return out;
}

/** Units of a view under construction. */
interface Units {
  codes: number[];
  starts: number[];
  ends: number[];
}

/** Appends a unit, merging a space into a preceding space. */
function push(units: Units, code: number, start: number, end: number): void {
  const last = units.codes.length - 1;
  if (code === 32 && units.codes[last] === 32) {
    units.ends[last] = end;
    return;
  }
  units.codes.push(code);
  units.starts.push(start);
  units.ends.push(end);
}

/** `[from, from + 1, ..., from + n - 1]`. */
function counting(from: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
}

/**
 * A view whose units map one to one onto the original (printable ASCII): its offsets are
 * `starts[i] === i`, `ends[i] === i + 1`, built only when read.
 *
 * NOTE: most messages are like this and most never need offsets (no finding): the arrays would
 * be the largest allocation of a screening. The offsets are prototype getters, so a spread copy
 * (`{ ...view }`) leaves them out; read them from the view itself.
 */
class IdentityView implements TextView {
  #starts: number[] | undefined;
  #ends: number[] | undefined;

  /** Wraps the lowercase text of a printable ASCII original. */
  constructor(readonly text: string) {}

  get starts(): number[] {
    return (this.#starts ??= counting(0, this.text.length));
  }

  get ends(): number[] {
    return (this.#ends ??= counting(1, this.text.length));
  }
}

/**
 * The normalised text of a printable ASCII message that normalisation leaves as it is (but for
 * case): its main view is its literal view, and both are itself.
 */
class PlainText extends IdentityView implements NormalisedText {
  /** Wraps the lowercase text of `original`. */
  constructor(readonly original: string, text: string) {
    super(text);
  }

  get literal(): TextView {
    return this;
  }
}

/** The normalised text of a message whose main view is its literal view. */
class SameAsLiteral implements NormalisedText {
  readonly text: string;

  /** Shares the literal view's text and offsets. */
  constructor(readonly original: string, readonly literal: TextView) {
    this.text = literal.text;
  }

  get starts(): number[] {
    return this.literal.starts;
  }

  get ends(): number[] {
    return this.literal.ends;
  }
}

/** What `asciiState` found about a text. */
const NOT_SIMPLE = 0;
const UNCHANGED = 1;
const CHANGED = 2;

/** `CHANGED`, or `NOT_SIMPLE` if the text from `from` on is not printable ASCII without runs of spaces. */
function changedIfSimple(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((classOf(code) & PRINTABLE) === 0 || (code === 32 && text.charCodeAt(i + 1) === 32)) return NOT_SIMPLE;
  }
  return CHANGED;
}

/**
 * Whether a text is printable ASCII without runs of spaces (its literal view is just the
 * lowercase text: else `NOT_SIMPLE`), and if so whether the main pass would change it
 * (`CHANGED`: a dropped apostrophe, separated single letters, leetspeak or a run of three equal
 * letters) or not (`UNCHANGED`).
 *
 * NOTE: one pass over the text that reaches the decisions of `dropped` and `hasLeetOrRepeats`
 * (which do not depend on case) word by word, so that most messages skip both.
 */
function asciiState(text: string): number {
  const n = text.length;
  const classes = ASCII_CLASSES;
  let chainLength = 0;
  let chainLast = -1;
  // The word being read (`inWord`): its first and past-last units once the symbols that never
  // lead or trail one are cut (`start` is -1 until the first unit kept), whether it has a letter
  // and a leetspeak unit inside, and a trailing-only symbol that is inside if a later unit is kept.
  let inWord = false;
  let start = -1;
  let end = -1;
  let letter = false;
  let leet = false;
  let pending = false;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    const bits = code < 128 ? (classes[code] as number) : 0;
    if ((bits & IS_LETTER) !== 0) {
      if (!inWord) {
        inWord = true;
        start = i;
        letter = leet = pending = false;
      } else if (start < 0) start = i;
      if (leet || pending) return changedIfSimple(text, i + 1);
      // The rest of the run of letters, in a loop of its own: only runs of equal letters matter there.
      let previous = code | 0x20;
      let run = 1;
      let j = i + 1;
      for (; j < n; j++) {
        const lower = text.charCodeAt(j) | 0x20;
        if (lower < 97 || lower > 122) break;
        if (lower !== previous) {
          previous = lower;
          run = 1;
        } else if (++run >= 3) return changedIfSimple(text, j + 1);
      }
      end = j;
      pending = false;
      letter = true;
      i = j - 1;
      continue;
    }
    if ((bits & WORD) !== 0) {
      if (!inWord) {
        inWord = true;
        start = -1;
        letter = leet = pending = false;
      }
      if (start < 0) {
        if ((bits & LEADING) !== 0) continue;
        start = i;
      }
      if ((bits & TRAILING) !== 0) {
        pending = true;
        continue;
      }
      end = i + 1;
      leet ||= pending || (bits & LEETABLE) !== 0;
      pending = false;
      if (leet && letter) return changedIfSimple(text, i + 1);
      continue;
    }
    if ((bits & PRINTABLE) === 0 || (code === 32 && i > 0 && text.charCodeAt(i - 1) === 32)) return NOT_SIMPLE;
    if (inWord) {
      inWord = false;
      if (chainStep(text, start < 0 ? i : start, start < 0 ? i : end, chainLength, chainLast)) {
        chainLength++;
        chainLast = end;
      } else if (chainLength >= 3) return changedIfSimple(text, i);
      else chainLength = start >= 0 && end - start === 1 ? ((chainLast = end), 1) : 0;
    }
    if ((bits & IS_APOSTROPHE) !== 0 && i > 0 && ((classes[text.charCodeAt(i - 1)] as number) & WORD) !== 0 && ((classOf(text.charCodeAt(i + 1))) & WORD) !== 0) {
      return changedIfSimple(text, i + 1);
    }
  }
  if (inWord) {
    if (chainStep(text, start < 0 ? n : start, start < 0 ? n : end, chainLength, chainLast)) chainLength++;
    else if (chainLength >= 3) return CHANGED;
  }
  return chainLength >= 3 ? CHANGED : UNCHANGED;
}

/**
 * Whether a word `[start, end)` (its symbols cut) continues a chain of single units (`f.u.c.k`):
 * it is one unit, one or two separators after the chain's last one.
 */
function chainStep(text: string, start: number, end: number, chainLength: number, chainLast: number): boolean {
  if (end - start !== 1 || chainLength === 0 || start - chainLast < 1 || start - chainLast > 2) return false;
  for (let k = chainLast; k < start; k++) if ((classOf(text.charCodeAt(k)) & GAP) === 0) return false;
  return true;
}

/** Builds the literal view of a text that is not simple ASCII (see the module comment). */
function buildLiteral(original: string): TextView {
  const units: Units = { codes: [], starts: [], ends: [] };
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    if (code < 128) {
      if (code > 32 && code !== 127) push(units, code >= 65 && code <= 90 ? code + 32 : code, i, i + 1);
      else if (code === 32 || (code >= 9 && code <= 13)) push(units, 32, i, i + 1);
      i += 1;
      continue;
    }
    const cp = original.codePointAt(i) as number;
    const size = cp > 0xffff ? 2 : 1;
    const folded = foldCodePoint(cp);
    for (let k = 0; k < folded.length; k++) push(units, folded.charCodeAt(k), i, i + size);
    i += size;
  }
  return { text: fromCodes(units.codes), starts: units.starts, ends: units.ends };
}

/** Two reusable byte buffers (unit kinds, dropped flags): normalisation is synchronous, never reentrant. */
const buffers = [new Uint8Array(4096), new Uint8Array(4096)];

/**
 * Scratch buffer `which`, zeroed over `[0, n + 1)`. Callers bound their reads by the text length;
 * the unit past the end reads as 0 (no kind), like the end of a fresh array.
 */
function scratch(which: 0 | 1, n: number): Uint8Array {
  let buffer = buffers[which] as Uint8Array;
  if (buffer.length <= n) buffers[which] = buffer = new Uint8Array(2 * n + 2);
  buffer.fill(0, 0, n + 1);
  return buffer;
}

/** Drops the non-word units inside a chain of single-unit words `[first, last)` if it is long enough. */
function dropChain(drop: Uint8Array, kinds: Uint8Array, first: number, last: number, length: number): void {
  if (length >= 3) for (let k = first; k < last; k++) if (!isWordKind(kinds[k] as number)) drop[k] = 1;
}

/**
 * Marks literal units dropped from the main view: separators between three or more single-unit
 * words in a row (`f.u.c.k`) and apostrophes between word units (`don't`).
 */
function dropped(text: string, kinds: Uint8Array): Uint8Array {
  const drop = scratch(1, text.length);
  let chainFirst = -1;
  let chainLast = -1;
  let chainLength = 0;
  for (let i = 0; i < text.length; ) {
    const kind = kinds[i] as number;
    if (kind === APOSTROPHE && i > 0 && isWordKind(kinds[i - 1] as number) && isWordKind((kinds[i + 1] ?? 0) as number)) drop[i] = 1;
    if (!isWordKind(kind)) {
      i++;
      continue;
    }
    let start = i;
    while (start < text.length && NOT_LEADING[text.charCodeAt(start)] === 1) start++;
    let next = i;
    while (next < text.length && isWordKind(kinds[next] as number)) next++;
    let end = next;
    while (end > start && NOT_TRAILING[text.charCodeAt(end - 1)] === 1) end--;
    const single = end - start === 1;
    let gapOk = chainLength > 0 && start - chainLast >= 1 && start - chainLast <= 2;
    for (let k = chainLast; gapOk && k < start; k++) gapOk = kinds[k] === SEPARATOR || kinds[k] === APOSTROPHE;
    if (!(single && gapOk)) {
      dropChain(drop, kinds, chainFirst, chainLast, chainLength);
      chainLength = 0;
    }
    if (single) {
      if (chainLength === 0) chainFirst = start;
      chainLength++;
      chainLast = end;
    }
    i = next;
  }
  dropChain(drop, kinds, chainFirst, chainLast, chainLength);
  return drop;
}

/** The main view under construction. */
interface MainUnits extends Units {
  alternatives: Map<number, string> | undefined;
}

/** Appends literal unit `index` to the main view, read as leetspeak if `leet`, cutting letter runs to two. */
function emit(out: MainUnits, literal: TextView, identity: boolean, kinds: Uint8Array, index: number, leet: boolean): void {
  const code = literal.text.charCodeAt(index);
  const start = identity ? index : (literal.starts[index] as number);
  const end = identity ? index + 1 : (literal.ends[index] as number);
  const readings = leet && kinds[index] !== LETTER ? LEET_READINGS.get(code) : undefined;
  const unit = readings ? readings.charCodeAt(0) : code;
  const n = out.codes.length;
  if (n >= 2 && out.codes[n - 1] === unit && out.codes[n - 2] === unit && isLetterUnit(unit)) {
    out.ends[n - 1] = end;
    return;
  }
  if (readings && readings.length > 1) (out.alternatives ??= new Map()).set(n, readings.slice(1));
  push(out, unit, start, end);
}

/**
 * Whether the main pass would change a text without drops: a leetspeak reading inside a word
 * with a letter (`sh1t`; not `wow!`, `@maya` or `2024`), or three equal letters in a row. Follows
 * the main pass's own word scan, so that texts it would copy unchanged share the literal view.
 */
function hasLeetOrRepeats(text: string, kinds: Uint8Array): boolean {
  const n = text.length;
  for (let i = 0; i < n; ) {
    if (!isWordKind(kinds[i] as number)) {
      i++;
      continue;
    }
    let end = i;
    while (end < n && isWordKind(kinds[end] as number)) end++;
    let a = i;
    let b = end;
    while (a < b && NOT_LEADING[text.charCodeAt(a)] === 1) a++;
    while (b > a && NOT_TRAILING[text.charCodeAt(b - 1)] === 1) b--;
    let hasLetter = false;
    let leet = false;
    for (let k = a; k < b; k++) {
      if (kinds[k] === LETTER) hasLetter = true;
      else leet ||= LEET_READINGS.has(text.charCodeAt(k));
    }
    if (hasLetter && leet) return true;
    i = end;
  }
  for (let i = 2; i < n; i++) {
    const code = text.charCodeAt(i);
    if (kinds[i] === LETTER && text.charCodeAt(i - 1) === code && text.charCodeAt(i - 2) === code) return true;
  }
  return false;
}

/**
 * Normalises a text for matching (see the module comment for what each view defeats). Every unit
 * of every view maps back to a half-open range of the original, so spans found in `text` or
 * `literal` can be turned into original offsets with `toOriginalSpan`.
 */
export function normalise(original: string): NormalisedText {
  const state = asciiState(original);
  // NOTE: most messages are plain ASCII that the main pass would copy unchanged.
  if (state === UNCHANGED) return new PlainText(original, original.toLowerCase());
  const identity = state === CHANGED;
  const literal = identity ? new IdentityView(original.toLowerCase()) : buildLiteral(original);
  const lit = literal.text;
  const n = lit.length;
  const kinds = scratch(0, n);
  for (let i = 0; i < n; i++) kinds[i] = kindOf(lit.charCodeAt(i));
  const drop = dropped(lit, kinds);
  let anyDropped = false;
  for (let i = 0; i < n && !anyDropped; i++) anyDropped = drop[i] === 1;
  // NOTE: other messages may have nothing for the main pass to change either (no drops, no
  // leetspeak, no repeats); they share the literal view.
  if (!anyDropped && !hasLeetOrRepeats(lit, kinds)) {
    return new SameAsLiteral(original, literal);
  }
  const out: MainUnits = { codes: [], starts: [], ends: [], alternatives: undefined };
  for (let i = 0; i < n; ) {
    if (!isWordKind(kinds[i] as number)) {
      if (drop[i] === 0) emit(out, literal, identity, kinds, i, false);
      i++;
      continue;
    }
    // A word run of kept units (dropped units only ever sit between word units).
    let end = i;
    while (end < n && (drop[end] === 1 || isWordKind(kinds[end] as number))) end++;
    let a = i;
    let b = end;
    while (a < b && (drop[a] === 1 || NOT_LEADING[lit.charCodeAt(a)] === 1)) a++;
    while (b > a && (drop[b - 1] === 1 || NOT_TRAILING[lit.charCodeAt(b - 1)] === 1)) b--;
    let hasLetter = false;
    for (let k = a; k < b && !hasLetter; k++) hasLetter = kinds[k] === LETTER;
    for (let k = i; k < end; k++) if (drop[k] === 0) emit(out, literal, identity, kinds, k, hasLetter && k >= a && k < b);
    i = end;
  }
  const result: NormalisedText = { original, text: fromCodes(out.codes), starts: out.starts, ends: out.ends, literal };
  if (out.alternatives) result.alternatives = out.alternatives;
  return result;
}

/**
 * Whether a normalised text is plain: printable ASCII without runs of spaces that normalisation
 * left as it was (but for case).
 */
export const isPlain = (normalised: NormalisedText): boolean => normalised instanceof PlainText;

/** Whether a view's units map one to one onto the original (its offsets are the identity). */
const isIdentity = (view: TextView): boolean =>
  view instanceof IdentityView || (view instanceof SameAsLiteral && view.literal instanceof IdentityView);

/** Maps a range `[start, end)` of a view (`text` or `literal`) back to the original text. */
export function toOriginalSpan(view: TextView, start: number, end: number): { start: number; end: number } {
  // NOTE: identity views answer without building their offset arrays (most findings are in plain ASCII).
  if (isIdentity(view)) return { start, end };
  return { start: view.starts[start] as number, end: view.ends[end - 1] as number };
}
