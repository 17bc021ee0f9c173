/**
 * The compiled form of a phrase trie: one typed array holds every node as a record at its
 * offset (the node's number), breadth first so that the first levels (read by most walks) sit
 * together, and a node's header, terminals and children share a few cache lines:
 *
 *   [header, first terminal, terminal count, (row of 37 children,) unit, child, unit, child...]
 *
 * The header has bit `HAS_ENDS` when phrases end at the node, bit `ROW` when it has a row of
 * direct children on `a-z`, `0-9` and the gap (nodes with many children), and the number of
 * (unit, child) pairs after it (for a node with a row, children on other units). Terminals sit
 * in two other arrays. Built once by `TrieBuilder`; read on the hot path by `PhraseMatcher`.
 */

/** The unit that stands for a run of non-word characters in a phrase. */
export const GAP = 32;

/** No node: a transition that does not exist (no node is at offset 0). */
export const NONE = 0;

/** The builder's root of phrases read from a word start. */
export const AT_START = 1;

/** The builder's root of phrases that may also begin inside a word. */
export const INSIDE = 2;

/** Terminal flag: the phrase may end inside a word. */
export const END_INSIDE = 1;

/** Terminal flag: the phrase may begin inside a word (its match widens to the word start). */
export const EXTEND_START = 2;

/** Header bits: phrases end at the node; the node has a row of direct children. */
const HAS_ENDS = 1;
const ROW = 2;
/** Header bits below the number of pairs. */
const PAIRS_SHIFT = 2;
/** Offsets of a record's fields after the header. */
const { FIRST_END, END_COUNT, CHILDREN } = { FIRST_END: 1, END_COUNT: 2, CHILDREN: 3 } as const;

/** Children in a row. */
const SLOTS = 37;

/** Nodes with at least this many children get a row. */
const ROW_FROM = 4;

/** Slot of a unit in a row, or -1 for other units. */
const slotOf = (code: number): number => (code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? code - 22 : code === GAP ? 36 : -1);

/** A trie compiled into flat arrays (see the module comment). */
export interface CompiledTrie {
  /** The node records. */
  readonly nodes: Int32Array;
  /** Offsets of the roots `AT_START` and `INSIDE`. */
  readonly atStart: number;
  readonly inside: number;
  /** The index of each terminal's value (equal values share an index). */
  readonly endValue: Int32Array;
  /** `END_INSIDE` and `EXTEND_START` bits of each terminal. */
  readonly endFlags: Uint8Array;
}

/** The child of `node` on unit `code` in a compiled trie, or `NONE`. */
export function childOf(trie: CompiledTrie, node: number, code: number): number {
  const nodes = trie.nodes;
  const header = nodes[node] as number;
  let from = node + CHILDREN;
  if ((header & ROW) !== 0) {
    const slot = slotOf(code);
    if (slot >= 0) return nodes[from + slot] as number;
    from += SLOTS;
  }
  const to = from + 2 * (header >>> PAIRS_SHIFT);
  for (let e = from; e < to; e += 2) if (nodes[e] === code) return nodes[e + 1] as number;
  return NONE;
}

/** Whether phrases end at `node`. */
export const hasEnds = (trie: CompiledTrie, node: number): boolean => ((trie.nodes[node] as number) & HAS_ENDS) !== 0;

/** The index (in `endValue` and `endFlags`) of the first terminal of `node`. */
export const firstEnd = (trie: CompiledTrie, node: number): number => trie.nodes[node + FIRST_END] as number;

/** The number of terminals of `node`. */
export const endCount = (trie: CompiledTrie, node: number): number => trie.nodes[node + END_COUNT] as number;

/** Builds a trie with the roots `AT_START` and `INSIDE`, then compiles it. */
export class TrieBuilder {
  /** Per node, its children by unit. */
  readonly #children: Array<Map<number, number>> = [];
  /** Per node, its terminals as `[value, flags]` pairs, in insertion order. */
  readonly #ends: number[][] = [];

  /** Creates the builder with the unused node `NONE` and the two roots. */
  constructor() {
    for (let i = 0; i <= INSIDE; i++) this.#add();
  }

  #add(): number {
    this.#children.push(new Map());
    return this.#ends.push([]) - 1;
  }

  /** Adds a phrase (already normalised) from `root`, ending in a terminal of `value` with `flags`. */
  insert(root: number, phrase: string, value: number, flags: number): void {
    let node = root;
    for (let i = 0; i < phrase.length; i++) {
      const code = phrase.charCodeAt(i);
      const children = this.#children[node] as Map<number, number>;
      let child = children.get(code);
      if (child === undefined) {
        child = this.#add();
        children.set(code, child);
      }
      node = child;
    }
    (this.#ends[node] as number[]).push(value, flags);
  }

  /** The compiled trie (see the module comment). */
  compile(): CompiledTrie {
    // Breadth first from the roots: the order of the records, and their offsets.
    const order = [AT_START, INSIDE];
    const offset = new Int32Array(this.#ends.length);
    let size = 1;
    for (let i = 0; i < order.length; i++) {
      const node = order[i] as number;
      const children = this.#children[node] as Map<number, number>;
      offset[node] = size;
      const row = children.size >= ROW_FROM;
      let pairs = 0;
      for (const unit of [...children.keys()].sort((a, b) => a - b)) {
        order.push(children.get(unit) as number);
        if (!row || slotOf(unit) < 0) pairs++;
      }
      size += CHILDREN + (row ? SLOTS : 0) + 2 * pairs;
    }
    const nodes = new Int32Array(size);
    const values: number[] = [];
    const flags: number[] = [];
    for (const node of order) {
      const at = offset[node] as number;
      const children = [...(this.#children[node] as Map<number, number>)].sort((a, b) => a[0] - b[0]);
      const ends = this.#ends[node] as number[];
      const row = children.length >= ROW_FROM;
      let pair = at + CHILDREN + (row ? SLOTS : 0);
      for (const [unit, child] of children) {
        if (row && slotOf(unit) >= 0) nodes[at + CHILDREN + slotOf(unit)] = offset[child] as number;
        else {
          nodes[pair++] = unit;
          nodes[pair++] = offset[child] as number;
        }
      }
      const pairs = (pair - (at + CHILDREN + (row ? SLOTS : 0))) / 2;
      nodes[at] = (pairs << PAIRS_SHIFT) | (row ? ROW : 0) | (ends.length > 0 ? HAS_ENDS : 0);
      nodes[at + FIRST_END] = values.length;
      nodes[at + END_COUNT] = ends.length / 2;
      for (let k = 0; k < ends.length; k += 2) {
        values.push(ends[k] as number);
        flags.push(ends[k + 1] as number);
      }
    }
    return { nodes, atStart: offset[AT_START] as number, inside: offset[INSIDE] as number, endValue: Int32Array.from(values), endFlags: Uint8Array.from(flags) };
  }
}
