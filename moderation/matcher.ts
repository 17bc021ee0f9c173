/**
 * One compiled matcher for many phrases over normalised text: a trie walked from each word start
 * (and, for phrases written `*word`, from inside words), word-boundary aware. Compiled once; a
 * message costs one map lookup per word start plus the length of any partial match.
 *
 * While walking it also reads the normaliser's leftovers: an ambiguous leetspeak unit tries its
 * alternatives (`1` as `i` or `l`), a letter repeated once more than the phrase has is absorbed
 * (`fuuck` matches `fuck`), and a space in a phrase matches any run of non-word characters.
 */
import { isLetterUnit } from './fold.ts';

const GAP = 32;

interface Terminal<T> {
  value: T;
  endInside: boolean;
  extendStart: boolean;
}

/** A trie node; children of `a-z`, `0-9` and space sit in an array (the hot path), others in a map. */
interface TrieNode<T> {
  ascii: Array<TrieNode<T> | undefined>;
  other: Map<number, TrieNode<T>> | undefined;
  ends: Terminal<T>[] | undefined;
}

const ASCII_SLOTS = 37;
/** Slot of a code in `TrieNode.ascii`, or -1. */
const slotOf = (code: number): number => (code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? code - 22 : code === GAP ? 36 : -1);

function childOf<T>(node: TrieNode<T>, code: number): TrieNode<T> | undefined {
  const slot = slotOf(code);
  return slot >= 0 ? node.ascii[slot] : node.other?.get(code);
}

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

/**
 * Whether a walk that reached `node` by reading `code` could emit or go on at position `q`: the
 * cheap check that spares most word starts a walk. Alternative readings are handled by the caller.
 */
function mayGoOn<T>(node: TrieNode<T>, code: number, text: string, q: number): boolean {
  if (node.ends !== undefined) return true;
  if (q >= text.length) return false;
  const next = text.charCodeAt(q);
  return isWordUnit(next) ? next === code || childOf(node, next) !== undefined : childOf(node, GAP) !== undefined;
}

/** The shared, frozen result of a text without matches. */
const NO_MATCHES: readonly PhraseMatch<never>[] = Object.freeze([]);

const newNode = <T>(): TrieNode<T> => ({ ascii: new Array<TrieNode<T> | undefined>(ASCII_SLOTS).fill(undefined), other: undefined, ends: undefined });

/** Many phrases compiled into one word-aware trie. */
export class PhraseMatcher<T> {
  readonly #atStart = newNode<T>();
  readonly #inside = newNode<T>();
  readonly #found: PhraseMatch<T>[] = [];
  /** No phrase may begin inside a word: `match` looks only at word starts. */
  readonly #noneInside: boolean;

  /** Compiles the entries (phrases already normalised). */
  constructor(entries: Iterable<MatcherEntry<T>>) {
    let noneInside = true;
    for (const entry of entries) {
      const terminal = { value: entry.value, endInside: entry.endInside, extendStart: entry.startInside };
      this.#insert(this.#atStart, entry.phrase, terminal);
      if (entry.startInside) this.#insert(this.#inside, entry.phrase, terminal);
      noneInside &&= !entry.startInside;
    }
    this.#noneInside = noneInside;
  }

  #insert(root: TrieNode<T>, phrase: string, terminal: Terminal<T>): void {
    let node = root;
    for (let i = 0; i < phrase.length; i++) {
      const code = phrase.charCodeAt(i);
      let child = childOf(node, code);
      if (!child) {
        child = newNode<T>();
        const slot = slotOf(code);
        if (slot >= 0) node.ascii[slot] = child;
        else (node.other ??= new Map()).set(code, child);
      }
      node = child;
    }
    (node.ends ??= []).push(terminal);
  }

  /** Every match in `text` (duplicates removed), as ranges of `text`. */
  match(text: string, alternatives?: ReadonlyMap<number, string>): PhraseMatch<T>[] {
    // NOTE: matches collect in one reused array (match is synchronous) and are copied out only
    // when there are some: most texts match nothing and then allocate nothing.
    const out = this.#found;
    out.length = 0;
    const atStart = this.#atStart;
    const inside = this.#inside;
    const n = text.length;
    for (let p = 0; p < n; p++) {
      const code = text.charCodeAt(p);
      if (!isWordUnit(code)) continue;
      // One word: its start walks from `atStart`, the units after it from `inside` (skipped when
      // no phrase may begin inside a word: a walk from an empty root finds nothing).
      for (let root = atStart; ; root = inside) {
        const first = childOf(root, text.charCodeAt(p));
        if ((first !== undefined && mayGoOn(first, text.charCodeAt(p), text, p + 1)) || alternatives?.has(p)) this.#walk(root, root, text, p, p, -1, alternatives, out);
        if (p + 1 >= n || !isWordUnit(text.charCodeAt(p + 1))) break;
        p++;
        if (this.#noneInside) {
          while (p + 1 < n && isWordUnit(text.charCodeAt(p + 1))) p++;
          break;
        }
      }
    }
    return out.length === 0 ? (NO_MATCHES as unknown as PhraseMatch<T>[]) : out.splice(0);
  }

  /**
   * Walks the trie from `node` at text position `q` for a match that started at `p`. Follows the
   * single path without allocating; recurses only where the text branches (an alternative
   * reading, a repeated letter that may be absorbed).
   */
  #walk(root: TrieNode<T>, start: TrieNode<T>, text: string, p: number, q: number, last: number, alternatives: ReadonlyMap<number, string> | undefined, out: PhraseMatch<T>[]): void {
    let node = start;
    for (;;) {
      const code = q < text.length ? text.charCodeAt(q) : -1;
      const isWord = code >= 0 && isWordUnit(code);
      if (node.ends) this.#emit(node.ends, text, p, q, isWord, out);
      if (code < 0) return;
      if (!isWord) {
        const gap = node === root ? undefined : childOf(node, GAP);
        if (!gap) return;
        while (q < text.length && !isWordUnit(text.charCodeAt(q))) q++;
        node = gap;
        last = -1;
        continue;
      }
      const others = alternatives?.get(q);
      for (let i = 0; others !== undefined && i < others.length; i++) {
        const alternative = others.charCodeAt(i);
        const other = childOf(node, alternative);
        if (other) this.#walk(root, other, text, p, q + 1, alternative, alternatives, out);
      }
      if (code === last && node !== root) this.#walk(root, node, text, p, q + 1, code, alternatives, out);
      const child = childOf(node, code);
      if (!child) return;
      node = child;
      last = code;
      q++;
    }
  }

  #emit(ends: Terminal<T>[], text: string, p: number, q: number, atWordChar: boolean, out: PhraseMatch<T>[]): void {
    for (const terminal of ends) {
      if (atWordChar && !terminal.endInside) continue;
      let start = p;
      let end = q;
      if (terminal.extendStart) while (start > 0 && isWordUnit(text.charCodeAt(start - 1))) start--;
      if (terminal.endInside) while (end < text.length && isWordUnit(text.charCodeAt(end))) end++;
      const duplicate = out.some((m) => m.start === start && m.end === end && m.value === terminal.value);
      if (!duplicate) out.push({ start, end, value: terminal.value });
    }
  }
}
