/**
 * Hashed bag-of-n-grams features of a normalised text: character n-grams (which survive spelling
 * games the normaliser does not undo) plus word unigrams and bigrams, counted into a fixed hash space,
 * sublinearly TF-scaled and L2-normalised.
 */

/** How texts are turned into feature vectors; stored in the model metadata. */
export interface FeatureSettings {
  /** log2 of the hash space size (the model's input width). */
  hashBits: number;
  /** Smallest and largest character n-gram length. */
  charNgrams: [number, number];
  /** Largest word n-gram length (1 = unigrams only, 2 = unigrams and bigrams). */
  wordNgrams: number;
  /** Only the first `maxChars` characters are featurised (bounds the cost of long file texts). */
  maxChars: number;
  /** Seed of the hash function. */
  hashSeed: number;
}

/** The settings the committed model was trained with. */
export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  hashBits: 15,
  charNgrams: [3, 5],
  wordNgrams: 2,
  maxChars: 2000,
  hashSeed: 0x7e11,
};

/** A sparse vector: sorted distinct indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

const FNV_PRIME = 0x01000193;
/** Namespaces keep character and word n-grams with the same spelling apart. */
const CHAR_NAMESPACE = 0x63;
const WORD_NAMESPACE = 0x77;
const WORD_SEPARATOR = 0x20;

/** Final avalanche (murmur3 fmix32) so that low bits of similar n-grams differ. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const step = (h: number, code: number): number => Math.imul(h ^ code, FNV_PRIME);

/** Whether a code point is a letter or a digit (what `[\p{L}\p{N}]` matches). */
const WORD_CHARACTER = /^[\p{L}\p{N}]$/u;

/** Per BMP code unit: 0 not classified yet, 1 not a word character, 2 a word character. */
const UNCLASSIFIED = 0;
const NOT_WORD = 1;
const WORD = 2;

/**
 * Turns normalised texts into L2-normalised, log-scaled hashed n-gram vectors. Holds scratch
 * buffers (counts over the hash space, the words' code units and bounds, the vector), so
 * featurising a text allocates nothing but the returned vector.
 *
 * Words are the runs of letters and digits; character n-grams run over the words joined by single
 * spaces and padded with a space at each end (so word edges count), word n-grams over the words.
 */
export class Featuriser {
  readonly settings: FeatureSettings;
  readonly #counts: Uint16Array;
  /** Classes of BMP code units, filled on first sight. */
  readonly #classes = new Uint8Array(0x10000);
  /** The padded, space-joined words, as UTF-16 code units. */
  readonly #units: Uint16Array;
  /** Start and end offsets (in `#units`) of each word. */
  readonly #wordStarts: Int32Array;
  readonly #wordEnds: Int32Array;
  /** The indices counted so far: a bit per index, and a bit per non-zero word of those. */
  readonly #bits: Uint32Array;
  readonly #words: Uint32Array;
  /** The sorted indices of a text and their values (room for the whole hash space). */
  readonly #indices: Int32Array;
  readonly #values: Float32Array;

  /** A featuriser for `settings`. */
  constructor(settings: FeatureSettings) {
    this.settings = settings;
    this.#counts = new Uint16Array(1 << settings.hashBits);
    this.#bits = new Uint32Array(Math.max(1, this.#counts.length >>> 5));
    this.#words = new Uint32Array(Math.max(1, this.#bits.length >>> 5));
    this.#indices = new Int32Array(this.#counts.length);
    this.#values = new Float32Array(this.#counts.length);
    this.#units = new Uint16Array(settings.maxChars + 2);
    // A word takes at least one unit and a separator, except the last.
    this.#wordStarts = new Int32Array((settings.maxChars >> 1) + 1);
    this.#wordEnds = new Int32Array((settings.maxChars >> 1) + 1);
  }

  /** The input width of the model: the size of the hash space. */
  get dimension(): number {
    return this.#counts.length;
  }

  /** The feature vector of one normalised text. */
  featurise(normalisedText: string): SparseVector {
    const { indices, values } = this.featuriseView(normalisedText);
    return { indices: indices.slice(), values: values.slice() };
  }

  /**
   * Like `featurise`, but the vector's arrays are views of the featuriser's own buffers: read them
   * before the next call. Allocates no buffer.
   */
  featuriseView(normalisedText: string): SparseVector {
    const words = this.#readWords(normalisedText);
    this.#countCharNgrams(words === 0 ? 2 : (this.#wordEnds[words - 1] as number) + 1);
    this.#countWordNgrams(words);
    const size = this.#collect();
    const indices = this.#indices.subarray(0, size);
    const values = this.#values.subarray(0, size);
    let norm = 0;
    for (let i = 0; i < size; i++) {
      const index = indices[i] as number;
      const v = 1 + Math.log(this.#counts[index] as number);
      this.#counts[index] = 0;
      values[i] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < size; i++) values[i] = (values[i] as number) / norm;
    return { indices, values };
  }

  /** Whether the code point at `i` (`length` units: 1, or 2 for a surrogate pair) is a letter or digit. */
  #isWordCharacter(text: string, i: number, length: number): boolean {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) return (unit >= 0x30 && unit <= 0x39) || ((unit | 0x20) >= 0x61 && (unit | 0x20) <= 0x7a);
    if (length === 2) return WORD_CHARACTER.test(text.slice(i, i + 2));
    let kind = this.#classes[unit] as number;
    if (kind === UNCLASSIFIED) {
      kind = WORD_CHARACTER.test(String.fromCharCode(unit)) ? WORD : NOT_WORD;
      this.#classes[unit] = kind;
    }
    return kind === WORD;
  }

  /**
   * Copies the words of the first `maxChars` units of `text` into `#units`, joined by single spaces
   * and padded with one at each end, and records their bounds. Returns the number of words.
   */
  #readWords(text: string): number {
    const limit = Math.min(text.length, this.settings.maxChars);
    const units = this.#units;
    let words = 0;
    let inWord = false;
    let at = 1;
    units[0] = WORD_SEPARATOR;
    for (let i = 0; i < limit; ) {
      const unit = text.charCodeAt(i);
      // A surrogate pair cut by the limit stays a lone (non-word) unit, as `slice` leaves it.
      const length = unit >= 0xd800 && unit <= 0xdbff && i + 1 < limit && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      if (this.#isWordCharacter(text, i, length)) {
        if (!inWord) {
          if (words > 0) units[at++] = WORD_SEPARATOR;
          this.#wordStarts[words] = at;
          inWord = true;
        }
        units[at++] = unit;
        if (length === 2) units[at++] = text.charCodeAt(i + 1);
      } else if (inWord) {
        this.#wordEnds[words++] = at;
        inWord = false;
      }
      i += length;
    }
    if (inWord) this.#wordEnds[words++] = at;
    units[at] = WORD_SEPARATOR;
    return words;
  }

  /**
   * Writes the counted indices to `#indices` in ascending order (reading the bits, which is
   * cheaper than sorting), clears the bits and returns how many there are.
   */
  #collect(): number {
    const bits = this.#bits;
    const words = this.#words;
    const indices = this.#indices;
    let size = 0;
    for (let w = 0; w < words.length; w++) {
      let pending = words[w] as number;
      words[w] = 0;
      while (pending !== 0) {
        const lowest = pending & -pending;
        pending ^= lowest;
        const word = (w << 5) | (31 - Math.clz32(lowest));
        let set = bits[word] as number;
        bits[word] = 0;
        while (set !== 0) {
          const bit = set & -set;
          set ^= bit;
          indices[size++] = (word << 5) | (31 - Math.clz32(bit));
        }
      }
    }
    return size;
  }

  /** Counts one n-gram hash. */
  #add(hash: number): void {
    const index = mix(hash) & (this.#counts.length - 1);
    const count = this.#counts[index] as number;
    if (count === 0) {
      this.#bits[index >>> 5] = (this.#bits[index >>> 5] as number) | (1 << (index & 31));
      this.#words[index >>> 10] = (this.#words[index >>> 10] as number) | (1 << ((index >>> 5) & 31));
    }
    // Saturates rather than wraps; a count that high is far past where the log scale flattens.
    if (count < 0xffff) this.#counts[index] = count + 1;
  }

  /** Counts the character n-grams of the first `length` units of `#units`. */
  #countCharNgrams(length: number): void {
    const [min, max] = this.settings.charNgrams;
    const units = this.#units;
    const start = step(this.settings.hashSeed, CHAR_NAMESPACE);
    for (let i = 0; i + min <= length; i++) {
      let h = start;
      const end = Math.min(i + max, length);
      for (let k = i; k < end; k++) {
        h = step(h, units[k] as number);
        if (k - i + 1 >= min) this.#add(h);
      }
    }
  }

  /** Counts the word n-grams of the `words` words in `#units`. */
  #countWordNgrams(words: number): void {
    const units = this.#units;
    const start = step(this.settings.hashSeed, WORD_NAMESPACE);
    for (let i = 0; i < words; i++) {
      let h = start;
      for (let n = 1; n <= this.settings.wordNgrams && i + n <= words; n++) {
        if (n > 1) h = step(h, WORD_SEPARATOR);
        const end = this.#wordEnds[i + n - 1] as number;
        for (let k = this.#wordStarts[i + n - 1] as number; k < end; k++) h = step(h, units[k] as number);
        this.#add(h);
      }
    }
  }
}
