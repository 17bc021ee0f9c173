/**
 * Folding of single code points: the character-level half of normalisation (see `normalise.ts`).
 * Compatibility forms (fullwidth, circled, mathematical letters), accents, case, Cyrillic and
 * Greek lookalikes, non-ASCII digits and invisible characters are all reduced here.
 */

/** Lookalikes checked before lowercasing (capitals whose lowercase form looks different). */
const UPPER_CONFUSABLES: Record<string, string> = {
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p',
  Τ: 't', Υ: 'y', Χ: 'x', В: 'b', Н: 'h', М: 'm', К: 'k', Т: 't', Р: 'p', С: 'c', Х: 'x',
  А: 'a', Е: 'e', О: 'o', Ѕ: 's', І: 'i', Ј: 'j', Ү: 'y',
};

/** Lookalikes and letters without a decomposition, checked after lowercasing. */
const LOWER_CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ј: 'j', ӏ: 'l', ԁ: 'd', ԛ: 'q', ԝ: 'w', ь: 'b', ɡ: 'g', ɑ: 'a',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p',
  τ: 't', υ: 'u', χ: 'x', ω: 'w', ς: 's', ı: 'i', ł: 'l', ø: 'o', đ: 'd', ð: 'd', ħ: 'h',
  ß: 'ss', æ: 'ae', œ: 'oe', ɪ: 'i', ʟ: 'l', ᴀ: 'a', ᴇ: 'e', ᴏ: 'o', ᴜ: 'u', ꜱ: 's',
  '‘': "'", '’': "'", 'ʼ': "'", '′': "'", '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-',
};

/** Code points of the digit zero in scripts whose digits NFKD leaves alone (Arabic-Indic, Devanagari...). */
const DIGIT_ZEROS = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
  0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50,
  0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
];

/** Fillers that render as blank but are letters or symbols, so the general classes miss them. */
const BLANK_FILLERS = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x034f]);

const MARKS = /\p{M}/gu;
const INVISIBLE = /^[\p{Cf}\p{Cc}\p{Co}\p{Cn}]$/u;
const SPACE = /^[\s\p{Z}]$/u;

const cache = new Map<number, string>();

/** Folds a non-ASCII code point without the cache. */
function foldUncached(cp: number): string {
  if (BLANK_FILLERS.has(cp)) return '';
  const ch = String.fromCodePoint(cp);
  if (INVISIBLE.test(ch)) return '';
  if (SPACE.test(ch)) return ' ';
  for (const zero of DIGIT_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return String(cp - zero);
  }
  const upper = UPPER_CONFUSABLES[ch];
  if (upper !== undefined) return upper;
  let out = '';
  for (const part of ch.normalize('NFKD').replace(MARKS, '').toLowerCase()) {
    out += LOWER_CONFUSABLES[part] ?? part;
  }
  return out;
}

/**
 * Folds one non-ASCII code point to what a matcher should see: `''` for invisible characters and
 * combining marks, `' '` for any space, ASCII digits for other scripts' digits, otherwise the
 * NFKD form without accents, lowercased, with lookalike letters replaced (may be several units,
 * e.g. `ß` → `ss`, `ﬁ` → `fi`). ASCII is handled by the caller's fast path.
 */
export function foldCodePoint(cp: number): string {
  let folded = cache.get(cp);
  if (folded === undefined) {
    folded = foldUncached(cp);
    if (cache.size < 65_536) cache.set(cp, folded);
  }
  return folded;
}

/** Per UTF-16 unit: 0 not yet known, 1 not a letter, 2 a letter. */
const letterCache = new Uint8Array(65_536);

/** Whether a folded UTF-16 unit is a letter (ASCII fast path, then a cached Unicode class test). */
export function isLetterUnit(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  let known = letterCache[code] as number;
  if (known === 0) {
    known = LETTER.test(String.fromCharCode(code)) ? 2 : 1;
    letterCache[code] = known;
  }
  return known === 2;
}

const LETTER = /^\p{L}$/u;
