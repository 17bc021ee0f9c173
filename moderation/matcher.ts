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

interface TrieNode<T> {
  next: Map<number, TrieNode<T>>;
  ends: Terminal<T>[] | undefined;
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

const newNode = <T>(): TrieNode<T> => ({ next: new Map(), ends: undefined });

/** Many phrases compiled into one word-aware trie. */
export class PhraseMatcher<T> {
  readonly #atStart = newNode<T>();
  readonly #inside = newNode<T>();

  /** Compiles the entries (phrases already normalised). */
  constructor(entries: Iterable<MatcherEntry<T>>) {
    for (const entry of entries) {
      const terminal = { value: entry.value, endInside: entry.endInside, extendStart: entry.startInside };
      this.#insert(this.#atStart, entry.phrase, terminal);
      if (entry.startInside) this.#insert(this.#inside, entry.phrase, terminal);
    }
  }

  #insert(root: TrieNode<T>, phrase: string, terminal: Terminal<T>): void {
    let node = root;
    for (let i = 0; i < phrase.length; i++) {
      const code = phrase.charCodeAt(i);
      let child = node.next.get(code);
      if (!child) {
        child = newNode<T>();
        node.next.set(code, child);
      }
      node = child;
    }
    (node.ends ??= []).push(terminal);
  }

  /** Every match in `text` (duplicates removed), as ranges of `text`. */
  match(text: string, alternatives?: ReadonlyMap<number, string>): PhraseMatch<T>[] {
    const out: PhraseMatch<T>[] = [];
    let previousIsWord = false;
    for (let p = 0; p < text.length; p++) {
      const code = text.charCodeAt(p);
      const isWord = isWordUnit(code);
      if (isWord) {
        const root = previousIsWord ? this.#inside : this.#atStart;
        if (root.next.has(code) || alternatives?.has(p)) this.#walk(root, text, p, alternatives, out);
      }
      previousIsWord = isWord;
    }
    return out;
  }

  /** Depth-first walk of the trie from position `p`; pushes matches to `out`. */
  #walk(root: TrieNode<T>, text: string, p: number, alternatives: ReadonlyMap<number, string> | undefined, out: PhraseMatch<T>[]): void {
    const stack: Array<[TrieNode<T>, number, number]> = [[root, p, -1]];
    while (stack.length > 0) {
      const [node, q, last] = stack.pop() as [TrieNode<T>, number, number];
      const code = q < text.length ? text.charCodeAt(q) : -1;
      const isWord = code >= 0 && isWordUnit(code);
      if (node.ends) this.#emit(node.ends, text, p, q, isWord, out);
      if (code < 0) continue;
      if (!isWord) {
        const gap = node === root ? undefined : node.next.get(GAP);
        let r = q;
        while (gap && r < text.length && !isWordUnit(text.charCodeAt(r))) r++;
        if (gap) stack.push([gap, r, -1]);
        continue;
      }
      const child = node.next.get(code);
      if (child) stack.push([child, q + 1, code]);
      const others = alternatives?.get(q);
      for (let i = 0; others !== undefined && i < others.length; i++) {
        const alternative = others.charCodeAt(i);
        const other = node.next.get(alternative);
        if (other) stack.push([other, q + 1, alternative]);
      }
      if (code === last && node !== root) stack.push([node, q + 1, code]);
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
