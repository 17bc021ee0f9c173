/**
 * One compiled matcher for many phrases over normalised text: a trie walked from each word start
 * (and, for phrases written `*word`, from inside words), word-boundary aware. Compiled once into
 * flat arrays (`trie.ts`); a message costs a table read per word start plus the length of any
 * partial match, and allocates nothing unless something matches.
 *
 * While walking it also reads the normaliser's leftovers: an ambiguous leetspeak unit tries its
 * alternatives (`1` as `i` or `l`), a letter repeated once more than the phrase has is absorbed
 * (`fuuck` matches `fuck`), and a space in a phrase matches any run of non-word characters.
 */
import { isLetterUnit } from './fold.ts';
import { AT_START, END_INSIDE, EXTEND_START, GAP, INSIDE, NONE, TrieBuilder, childOf, endCount, firstEnd, hasEnds, type CompiledTrie } from './trie.ts';

/** A phrase to compile: `phrase` is already normalised (see `normalisePhrase`). */
export interface MatcherEntry<T> {
  phrase: string;
  startInside: boolean;
  endInside: boolean;
  value: T;
}

/**
 * A match as a range of the normalised text. When the phrase may begin or end inside a word, the
 * range is widened to the whole word so that a redaction masks all of `motherfucker`.
 */
export interface PhraseMatch<T> {
  start: number;
  end: number;
  value: T;
}

/** Whether a normalised unit belongs to a word (letters and digits). */
export function isWordUnit(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 128 && isLetterUnit(code));
}

/** The unit read past the end of the text. */
const END = -1;
/** Entries per row of a start table: the ASCII units, then the end of the text. */
const NEXTS = 129;
/** Rows per root in a start table: one per ASCII word unit. */
const FIRSTS = 36;
/** Row of an ASCII word unit (`a-z`, `0-9`) in a start table, or -1. */
const firstOf = (code: number): number => (code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? code - 22 : -1);

/**
 * Whether a walk that reached `node` by reading `code` could emit or go on at a unit `next`
 * (`END` at the end of the text): the cheap check that spares most word starts a walk.
 * Alternative readings of those units are handled by the caller.
 */
function mayGoOn(trie: CompiledTrie, node: number, code: number, next: number): boolean {
  if (hasEnds(trie, node)) return true;
  if (next === END) return false;
  return isWordUnit(next) ? next === code || childOf(trie, node, next) !== NONE : childOf(trie, node, GAP) !== NONE;
}

/**
 * `mayGoOn` from the child of each root on each ASCII word unit, for each ASCII unit after it:
 * `table[(rootIndex * 36 + firstOf(code)) * 129 + next]` is 1 when a walk may start (`rootIndex`
 * 0 at a word start, 1 inside a word; `next` 128 at the end of the text).
 */
function startTable(trie: CompiledTrie): Uint8Array {
  const table = new Uint8Array(2 * FIRSTS * NEXTS);
  [trie.atStart, trie.inside].forEach((root, rootIndex) => {
    for (let code = 0; code < 128; code++) {
      const first = firstOf(code);
      const child = first < 0 ? NONE : childOf(trie, root, code);
      if (child === NONE) continue;
      for (let next = 0; next < NEXTS; next++) table[(rootIndex * FIRSTS + first) * NEXTS + next] = mayGoOn(trie, child, code, next === 128 ? END : next) ? 1 : 0;
    }
  });
  return table;
}

/** The shared, frozen result of a text without matches. */
const NO_MATCHES: readonly PhraseMatch<never>[] = Object.freeze([]);

/** In a `secondTable`: the walk must begin at the root (see `secondTable`). */
const FROM_ROOT = -1;

/**
 * Where a walk stands after reading two ASCII word units from each root, for walks that nothing
 * can branch or emit before: `table[(rootIndex * 36 + firstOf(code)) * 36 + firstOf(next)]` is the
 * node reached (`NONE` when no phrase begins so), or `FROM_ROOT` when a phrase ends after the first
 * unit or the second repeats it (a repeat may be absorbed).
 */
function secondTable(trie: CompiledTrie): Int32Array {
  const table = new Int32Array(2 * FIRSTS * FIRSTS);
  [trie.atStart, trie.inside].forEach((root, rootIndex) => {
    for (let code = 0; code < 128; code++) {
      const first = firstOf(code);
      if (first < 0) continue;
      const child = childOf(trie, root, code);
      for (let next = 0; next < 128; next++) {
        const second = firstOf(next);
        if (second < 0 || child === NONE) continue;
        table[(rootIndex * FIRSTS + first) * FIRSTS + second] = hasEnds(trie, child) || next === code ? FROM_ROOT : childOf(trie, child, next);
      }
    }
  });
  return table;
}

/** Many phrases compiled into one word-aware trie. */
export class PhraseMatcher<T> {
  readonly #trie: CompiledTrie;
  /** Whether a walk may start, by root, first unit and next unit (see `startTable`). */
  readonly #startTable: Uint8Array;
  /** The node after two ASCII word units, by root, first and second unit (see `secondTable`). */
  readonly #secondTable: Int32Array;
  /** Distinct values of the entries; terminals and matches hold indices into it. */
  readonly #values: T[] = [];
  /** Per ASCII unit, whether a phrase may begin with it inside a word; undefined when none may. */
  readonly #insideFirst: Uint8Array | undefined;
  // NOTE: matches of the last scan, in arrays reused from scan to scan (scans are synchronous):
  // most texts match nothing and then allocate nothing.
  #starts = new Int32Array(16);
  #ends = new Int32Array(16);
  #found = new Int32Array(16);
  #count = 0;

  /** Compiles the entries (phrases already normalised). */
  constructor(entries: Iterable<MatcherEntry<T>>) {
    const builder = new TrieBuilder();
    const indices = new Map<T, number>();
    let noneInside = true;
    for (const entry of entries) {
      let value = indices.get(entry.value);
      if (value === undefined) {
        value = this.#values.push(entry.value) - 1;
        indices.set(entry.value, value);
      }
      const flags = (entry.endInside ? END_INSIDE : 0) | (entry.startInside ? EXTEND_START : 0);
      builder.insert(AT_START, entry.phrase, value, flags);
      if (entry.startInside) builder.insert(INSIDE, entry.phrase, value, flags);
      noneInside &&= !entry.startInside;
    }
    this.#trie = builder.compile();
    this.#startTable = startTable(this.#trie);
    this.#secondTable = secondTable(this.#trie);
    this.#insideFirst = noneInside ? undefined : Uint8Array.from({ length: 128 }, (_, unit) => (childOf(this.#trie, this.#trie.inside, unit) === NONE ? 0 : 1));
  }

  /**
   * Finds every match in `text` (duplicates removed) and returns how many there are; read them
   * with `matchStart`, `matchEnd` and `matchValue` before the next scan of this matcher.
   */
  scan(text: string, alternatives?: ReadonlyMap<number, string>): number {
    this.#count = 0;
    const n = text.length;
    const inside = this.#insideFirst;
    const atStart = this.#trie.atStart;
    const insideRoot = this.#trie.inside;
    for (let p = 0; p < n; p++) {
      const code = text.charCodeAt(p);
      if (!isWordUnit(code)) continue;
      // A word starts at `p`: it walks from `AT_START`, the units after it from `INSIDE` (only
      // units that begin some phrase there, when some phrase may begin inside a word).
      this.#start(0, atStart, text, p, code, p + 1 < n ? text.charCodeAt(p + 1) : END, alternatives);
      let q = p + 1;
      if (inside === undefined) {
        while (q < n && isWordUnit(text.charCodeAt(q))) q++;
      } else {
        for (; q < n; q++) {
          const unit = text.charCodeAt(q);
          if (!isWordUnit(unit)) break;
          if (unit >= 128 || inside[unit] === 1 || alternatives !== undefined) this.#start(1, insideRoot, text, q, unit, q + 1 < n ? text.charCodeAt(q + 1) : END, alternatives);
        }
      }
      p = q;
    }
    return this.#count;
  }

  /** Start (in the scanned text) of match `i` of the last scan. */
  matchStart(i: number): number {
    return this.#starts[i] as number;
  }

  /** End (exclusive) of match `i` of the last scan. */
  matchEnd(i: number): number {
    return this.#ends[i] as number;
  }

  /** Value of the entry of match `i` of the last scan. */
  matchValue(i: number): T {
    return this.#values[this.#found[i] as number] as T;
  }

  /** Every match in `text` (duplicates removed), as ranges of `text`. */
  match(text: string, alternatives?: ReadonlyMap<number, string>): PhraseMatch<T>[] {
    const count = this.scan(text, alternatives);
    if (count === 0) return NO_MATCHES as unknown as PhraseMatch<T>[];
    const out = new Array<PhraseMatch<T>>(count);
    for (let i = 0; i < count; i++) out[i] = { start: this.matchStart(i), end: this.matchEnd(i), value: this.matchValue(i) };
    return out;
  }

  /**
   * Walks from `root` at `p`, where the text reads `code` then `next`: from the node after both
   * when the text has no other readings and nothing can happen after the first (see
   * `secondTable`), else from the root if the walk may emit or go on.
   */
  #start(rootIndex: number, root: number, text: string, p: number, code: number, next: number, alternatives: ReadonlyMap<number, string> | undefined): void {
    const first = firstOf(code);
    const second = firstOf(next);
    if (alternatives === undefined && first >= 0 && second >= 0) {
      const node = this.#secondTable[(rootIndex * FIRSTS + first) * FIRSTS + second] as number;
      if (node !== FROM_ROOT) {
        if (node !== NONE) this.#walk(root, node, text, p, p + 2, next, alternatives);
        return;
      }
    }
    if (this.#mayStart(rootIndex, root, code, next, p, alternatives)) this.#walk(root, root, text, p, p, -1, alternatives);
  }

  /**
   * Whether a walk from `root` at `p`, reading `code` then `next`, may emit or go on (see
   * `mayGoOn`). It reads the main readings only: a walk also starts when the first or second
   * unit has other readings (`d|scord` reads `dlscord`, and `discord` on the second unit).
   */
  #mayStart(rootIndex: number, root: number, code: number, next: number, p: number, alternatives: ReadonlyMap<number, string> | undefined): boolean {
    if (alternatives !== undefined && (alternatives.has(p) || alternatives.has(p + 1))) return true;
    const first = firstOf(code);
    if (first >= 0 && next < 128) return this.#startTable[(rootIndex * FIRSTS + first) * NEXTS + (next === END ? 128 : next)] === 1;
    const child = childOf(this.#trie, root, code);
    return child !== NONE && mayGoOn(this.#trie, child, code, next);
  }

  /**
   * Walks the trie from `node` at text position `q` for a match that started at `p`. Follows the
   * single path without allocating; recurses only where the text branches (an alternative
   * reading, a repeated letter that may be absorbed).
   */
  #walk(root: number, start: number, text: string, p: number, q: number, last: number, alternatives: ReadonlyMap<number, string> | undefined): void {
    const trie = this.#trie;
    let node = start;
    for (;;) {
      const code = q < text.length ? text.charCodeAt(q) : -1;
      const isWord = code >= 0 && isWordUnit(code);
      if (hasEnds(trie, node)) this.#emit(node, text, p, q, isWord);
      if (code < 0) return;
      if (!isWord) {
        const gap = node === root ? NONE : childOf(trie, node, GAP);
        if (gap === NONE) return;
        while (q < text.length && !isWordUnit(text.charCodeAt(q))) q++;
        node = gap;
        last = -1;
        continue;
      }
      const others = alternatives?.get(q);
      for (let i = 0; others !== undefined && i < others.length; i++) {
        const alternative = others.charCodeAt(i);
        const other = childOf(trie, node, alternative);
        if (other !== NONE) this.#walk(root, other, text, p, q + 1, alternative, alternatives);
      }
      if (code === last && node !== root) this.#walk(root, node, text, p, q + 1, code, alternatives);
      const child = childOf(trie, node, code);
      if (child === NONE) return;
      node = child;
      last = code;
      q++;
    }
  }

  /** Records the terminals of `node` reached at `q` for a walk from `p`. */
  #emit(node: number, text: string, p: number, q: number, atWordChar: boolean): void {
    const trie = this.#trie;
    const last = firstEnd(trie, node) + endCount(trie, node);
    for (let t = firstEnd(trie, node); t < last; t++) {
      const flags = trie.endFlags[t] as number;
      if (atWordChar && (flags & END_INSIDE) === 0) continue;
      let start = p;
      let end = q;
      if ((flags & EXTEND_START) !== 0) while (start > 0 && isWordUnit(text.charCodeAt(start - 1))) start--;
      if ((flags & END_INSIDE) !== 0) while (end < text.length && isWordUnit(text.charCodeAt(end))) end++;
      this.#record(start, end, trie.endValue[t] as number);
    }
  }

  /** Adds a match unless the same value already matched the same range. */
  #record(start: number, end: number, value: number): void {
    const count = this.#count;
    for (let i = 0; i < count; i++) if (this.#starts[i] === start && this.#ends[i] === end && this.#found[i] === value) return;
    if (count === this.#starts.length) {
      this.#starts = grow(this.#starts);
      this.#ends = grow(this.#ends);
      this.#found = grow(this.#found);
    }
    this.#starts[count] = start;
    this.#ends[count] = end;
    this.#found[count] = value;
    this.#count = count + 1;
  }
}

/** A copy of `array` twice as long. */
function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
