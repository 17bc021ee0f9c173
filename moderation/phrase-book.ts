/**
 * The phrase lists of several stages compiled into one matcher and scanned once per normalised
 * text: the rule stages of a screener share a book, so that a message is walked once, not once
 * per stage. Each stage reads its own matches through its `PhraseSet`, as if it had a matcher of
 * its own (same matches, same order).
 *
 * NOTE: the first stage that reads a text pays for the whole scan (its timing includes the
 * other stages' matching); the scan is kept for the last text only, which is compared by
 * identity, so a stage that normalises another text (spaced letters joined) scans again.
 */
import { PhraseMatcher, type MatcherEntry, type PhraseMatch } from './matcher.ts';
import type { NormalisedText } from './stage.ts';

/** The part of a normalised text that phrases are matched against. */
export type MatchedText = Pick<NormalisedText, 'text' | 'alternatives'>;

/** A value of one set, as the book's matcher holds it. */
export interface Owned {
  set: number;
  value: unknown;
}

/** The shared, frozen result of a text without matches. */
const NO_MATCHES: readonly PhraseMatch<never>[] = Object.freeze([]);

/** Phrase lists of several stages, matched in one scan per text (see the module comment). */
export class PhraseBook {
  readonly #entries: Array<MatcherEntry<Owned>> = [];
  #sets = 0;
  #matcher: PhraseMatcher<Owned> | undefined;
  #scanned: MatchedText | undefined;
  #count = 0;

  /** Adds a stage's phrases (already normalised); read its matches through the returned set. */
  add<T extends object>(entries: Iterable<MatcherEntry<T>>): PhraseSet<T> {
    const set = this.#sets++;
    // NOTE: one owned value per distinct value, so that duplicates are told apart as before.
    const owned = new Map<T, Owned>();
    for (const entry of entries) {
      let value = owned.get(entry.value);
      if (value === undefined) owned.set(entry.value, (value = { set, value: entry.value }));
      this.#entries.push({ phrase: entry.phrase, startInside: entry.startInside, endInside: entry.endInside, value });
    }
    // NOTE: compiled now, not at the first scan: a first message must not pay for it inside a
    // stage's time budget (which would hold it). A shared book compiles once per stage at start-up.
    this.#matcher = new PhraseMatcher(this.#entries);
    this.#scanned = undefined;
    return new PhraseSet<T>(this, set);
  }

  /** Scans `text` unless it was the last text scanned; returns the number of matches of all sets. */
  scan(text: MatchedText): number {
    if (text !== this.#scanned) {
      this.#matcher ??= new PhraseMatcher(this.#entries);
      this.#count = this.#matcher.scan(text.text, text.alternatives);
      this.#scanned = text;
    }
    return this.#count;
  }

  /** Start (in the scanned text) of match `i` of the last scan. */
  start(i: number): number {
    return (this.#matcher as PhraseMatcher<Owned>).matchStart(i);
  }

  /** End (exclusive) of match `i` of the last scan. */
  end(i: number): number {
    return (this.#matcher as PhraseMatcher<Owned>).matchEnd(i);
  }

  /** The set and value of match `i` of the last scan. */
  owned(i: number): Owned {
    return (this.#matcher as PhraseMatcher<Owned>).matchValue(i);
  }
}

/** One stage's phrases in a `PhraseBook` (their values are objects). */
export class PhraseSet<T extends object> {
  /** Used by `PhraseBook.add`. */
  constructor(readonly book: PhraseBook, readonly set: number) {}

  /**
   * Scans `text` (or reuses the book's scan of it) and returns the number of matches of all sets:
   * read this set's with `value`, `start` and `end` before the next scan of the book.
   */
  scan(text: MatchedText): number {
    return this.book.scan(text);
  }

  /** The value of match `i` of the last scan if it is one of this set's phrases, else undefined. */
  value(i: number): T | undefined {
    const owned = this.book.owned(i);
    return owned.set === this.set ? (owned.value as T) : undefined;
  }

  /** Start (in the scanned text) of match `i` of the last scan. */
  start(i: number): number {
    return this.book.start(i);
  }

  /** End (exclusive) of match `i` of the last scan. */
  end(i: number): number {
    return this.book.end(i);
  }

  /** Every match of this set's phrases in `text` (duplicates removed), as ranges of `text`. */
  match(text: MatchedText): PhraseMatch<T>[] {
    const count = this.scan(text);
    let out: Array<PhraseMatch<T>> | undefined;
    for (let i = 0; i < count; i++) {
      const value = this.value(i);
      if (value !== undefined) (out ??= []).push({ start: this.start(i), end: this.end(i), value });
    }
    return out ?? (NO_MATCHES as unknown as PhraseMatch<T>[]);
  }
}
