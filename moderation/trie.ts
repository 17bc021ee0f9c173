/**
 * The compiled form of a phrase trie: nodes are numbers, numbered breadth first so that the
 * first levels (read by most walks) sit together; each node's edges sit in a slice of two flat
 * arrays, and nodes with many children also get a row of direct transitions on `a-z`, `0-9` and
 * the gap. Its terminals sit in a slice of two other flat arrays. Built once by `TrieBuilder`;
 * read on the hot path by `PhraseMatcher` without touching an object per node.
 *
 * NOTE: compact on purpose: the lists make tries of tens of thousands of nodes, and a full row
 * per node would not stay in the processor's caches.
 */

/** The unit that stands for a run of non-word characters in a phrase. */
export const GAP = 32;

/** No node: a transition that does not exist (no node is ever the child `0`). */
export const NONE = 0;

/** The root of phrases read from a word start. */
export const AT_START = 1;

/** The root of phrases that may also begin inside a word. */
export const INSIDE = 2;

/** Terminal flag: the phrase may end inside a word. */
export const END_INSIDE = 1;

/** Terminal flag: the phrase may begin inside a word (its match widens to the word start). */
export const EXTEND_START = 2;

/** Transitions in a row of direct transitions. */
const SLOTS = 37;

/** Nodes with at least this many children get a row of direct transitions. */
const ROW_FROM = 4;

/** Slot of a unit in a row of direct transitions, or -1 for other units. */
const slotOf = (code: number): number => (code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? code - 22 : code === GAP ? 36 : -1);

/** A trie compiled into flat arrays (see the module comment). */
export interface CompiledTrie {
  /** Edges of `node`: indices `[edgeFrom[node], edgeFrom[node + 1])` of `edgeUnit` and `edgeChild`. */
  readonly edgeFrom: Int32Array;
  readonly edgeUnit: Uint16Array;
  readonly edgeChild: Int32Array;
  /** `row[node]`: the node's row in `rows`, or -1 when it has few children. */
  readonly row: Int32Array;
  /** `rows[row * 37 + slot]`: the child on the unit of that slot, or `NONE`. */
  readonly rows: Int32Array;
  /** Terminals of `node`: indices `[endFrom[node], endFrom[node + 1])` of `endValue` and `endFlags`. */
  readonly endFrom: Int32Array;
  /** The index of the terminal's value (equal values share an index). */
  readonly endValue: Int32Array;
  /** `END_INSIDE` and `EXTEND_START` bits of the terminal. */
  readonly endFlags: Uint8Array;
}

/** The child of `node` on unit `code` in a compiled trie, or `NONE`. */
export function childOf(trie: CompiledTrie, node: number, code: number): number {
  const row = trie.row[node] as number;
  if (row >= 0) {
    const slot = slotOf(code);
    if (slot >= 0) return trie.rows[row * SLOTS + slot] as number;
  }
  const to = trie.edgeFrom[node + 1] as number;
  for (let e = trie.edgeFrom[node] as number; e < to; e++) if (trie.edgeUnit[e] === code) return trie.edgeChild[e] as number;
  return NONE;
}

/** Whether `node` ends some phrase. */
export const hasEnds = (trie: CompiledTrie, node: number): boolean => trie.endFrom[node] !== trie.endFrom[node + 1];

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
    const count = this.#ends.length;
    const order = [NONE, AT_START, INSIDE];
    const number = new Int32Array(count);
    for (let i = 0; i < order.length; i++) {
      const node = order[i] as number;
      number[node] = i;
      if (node !== NONE) for (const unit of [...(this.#children[node] as Map<number, number>).keys()].sort((a, b) => a - b)) order.push((this.#children[node] as Map<number, number>).get(unit) as number);
    }
    const edgeFrom = new Int32Array(count + 1);
    const units: number[] = [];
    const children: number[] = [];
    const row = new Int32Array(count).fill(-1);
    const rows: number[] = [];
    const endFrom = new Int32Array(count + 1);
    const values: number[] = [];
    const flags: number[] = [];
    for (let i = 0; i < count; i++) {
      const node = order[i] as number;
      const edges = [...(this.#children[node] as Map<number, number>)].sort((a, b) => a[0] - b[0]);
      if (edges.length >= ROW_FROM) {
        row[i] = rows.length / SLOTS;
        const start = rows.length;
        for (let slot = 0; slot < SLOTS; slot++) rows.push(NONE);
        for (const [unit, child] of edges) if (slotOf(unit) >= 0) rows[start + slotOf(unit)] = number[child] as number;
      }
      for (const [unit, child] of edges) {
        units.push(unit);
        children.push(number[child] as number);
      }
      edgeFrom[i + 1] = units.length;
      const ends = this.#ends[node] as number[];
      for (let k = 0; k < ends.length; k += 2) {
        values.push(ends[k] as number);
        flags.push(ends[k + 1] as number);
      }
      endFrom[i + 1] = values.length;
    }
    return {
      edgeFrom, edgeUnit: Uint16Array.from(units), edgeChild: Int32Array.from(children), row, rows: Int32Array.from(rows),
      endFrom, endValue: Int32Array.from(values), endFlags: Uint8Array.from(flags),
    };
  }
}
