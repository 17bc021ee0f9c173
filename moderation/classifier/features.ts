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

/** Splits a normalised text into words (runs of letters and digits). */
export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Turns normalised texts into L2-normalised, log-scaled hashed n-gram vectors. Holds scratch
 * buffers the size of the hash space, so one instance serves many texts without allocating them again.
 */
export class Featuriser {
  readonly settings: FeatureSettings;
  readonly #counts: Uint16Array;
  #touched: Int32Array;
  #size = 0;

  /** A featuriser for `settings`. */
  constructor(settings: FeatureSettings) {
    this.settings = settings;
    this.#counts = new Uint16Array(1 << settings.hashBits);
    this.#touched = new Int32Array(1024);
  }

  /** The input width of the model: the size of the hash space. */
  get dimension(): number {
    return this.#counts.length;
  }

  /** The feature vector of one normalised text. */
  featurise(normalisedText: string): SparseVector {
    const tokens = words(normalisedText.slice(0, this.settings.maxChars));
    // Character n-grams run over the words joined by single spaces, padded so word edges count.
    this.#countCharNgrams(` ${tokens.join(' ')} `);
    this.#countWordNgrams(tokens);
    const indices = this.#touched.slice(0, this.#size).sort();
    const values = new Float32Array(indices.length);
    let norm = 0;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i] as number;
      const v = 1 + Math.log(this.#counts[index] as number);
      this.#counts[index] = 0;
      values[i] = v;
      norm += v * v;
    }
    this.#size = 0;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / norm;
    return { indices, values };
  }

  #add(hash: number): void {
    const index = mix(hash) & (this.#counts.length - 1);
    const count = this.#counts[index] as number;
    if (count === 0) {
      if (this.#size === this.#touched.length) {
        const grown = new Int32Array(this.#touched.length * 2);
        grown.set(this.#touched);
        this.#touched = grown;
      }
      this.#touched[this.#size++] = index;
    }
    // Saturates rather than wraps; a count that high is far past where the log scale flattens.
    if (count < 0xffff) this.#counts[index] = count + 1;
  }

  #countCharNgrams(padded: string): void {
    const [min, max] = this.settings.charNgrams;
    const start = step(this.settings.hashSeed, CHAR_NAMESPACE);
    for (let i = 0; i + min <= padded.length; i++) {
      let h = start;
      for (let n = 1; n <= max && i + n <= padded.length; n++) {
        h = step(h, padded.charCodeAt(i + n - 1));
        if (n >= min) this.#add(h);
      }
    }
  }

  #countWordNgrams(tokens: string[]): void {
    const start = step(this.settings.hashSeed, WORD_NAMESPACE);
    for (let i = 0; i < tokens.length; i++) {
      let h = start;
      for (let n = 1; n <= this.settings.wordNgrams && i + n <= tokens.length; n++) {
        if (n > 1) h = step(h, WORD_SEPARATOR);
        const token = tokens[i + n - 1] as string;
        for (let k = 0; k < token.length; k++) h = step(h, token.charCodeAt(k));
        this.#add(h);
      }
    }
  }
}
