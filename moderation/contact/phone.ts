/**
 * Phone numbers in the literal view, in any disguise: spaced, dotted, dashed, bracketed, `+1`,
 * digits spelled as words (`five five five...`, also split by commas) or mixed with digits
 * (`5five5 2oh1`); other scripts' digits are
 * already ASCII in the literal view. Ordinary school numbers (years, dates, grades, pages, times,
 * scores, money with commas) do not add up to a phone number.
 */

/** Digit words: the index is the digit (`niner` is radio talk for nine). */
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'niner'];
/** Read as zero only inside a number (`five five five oh one...`). */
const ZERO_WORDS = ['oh', 'o'];
/** Characters that may separate the groups of a phone number. */
const SEPARATORS = new Set(Array.from(' .-()+_', (c) => c.charCodeAt(0)));
/** A comma separates groups only after a spelled digit (`five five five, two one two...`). */
const COMMA = 44;
/** Cheap test for texts that cannot hold a phone number. */
const MAYBE_NUMBER = /[0-9]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|niner)\b/;
/**
 * A phone number has at least `MIN_DIGITS` digits, each a digit or a spelled word (a run of
 * letters that is a digit word, `oh` or `o`): seven digits, or one spelled word, must be there.
 * The digits are counted from the start (a text with a few digits fails once, not once per
 * digit), and the spelled word is found without a lookbehind, which is slower.
 */
const SEVEN_DIGITS = /^(?:[^0-9]*[0-9]){7}/;
const SPELLED_DIGIT = /(?:^|[^a-z])(?:zero|one|two|three|four|five|six|seven|eight|nine|niner|oh|o)(?![a-z])/;

const MIN_DIGITS = 7;
const MAX_DIGITS = 15;
const MAX_GAP = 3;

/** A run of digits or one digit word, as a range of the literal text. */
interface Group {
  start: number;
  end: number;
  digits: string;
  spelled: boolean;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => c >= 97 && c <= 122;

/** Whether a sequence of groups has the shape of a year list or a date rather than a phone number. */
function looksLikeDatesOrYears(groups: readonly Group[]): boolean {
  if (groups.some((g) => g.spelled)) return false;
  const lengths = groups.map((g) => g.digits.length);
  if (groups.every((g) => /^(19|20)\d\d$/.test(g.digits))) return true;
  const date = lengths.join(',');
  return date === '1,1,4' || date === '1,2,4' || date === '2,1,4' || date === '2,2,4' || date === '4,2,2' || date === '4,1,1';
}

/**
 * Groups written without a separator between them taken together (`5five5` is one chunk of three
 * digits), spelled when any of them is.
 */
function chunks(groups: readonly Group[]): Array<{ digits: number; spelled: boolean }> {
  const out: Array<{ digits: number; spelled: boolean }> = [];
  let previous: Group | undefined;
  for (const g of groups) {
    const last = out[out.length - 1];
    if (last && previous && previous.end === g.start) {
      last.digits += g.digits.length;
      last.spelled ||= g.spelled;
    } else out.push({ digits: g.digits.length, spelled: g.spelled });
    previous = g;
  }
  return out;
}

/** Whether a finished sequence of groups is a phone number. */
function isPhone(groups: readonly Group[]): boolean {
  const digits = groups.reduce((n, g) => n + g.digits.length, 0);
  if (digits < MIN_DIGITS || digits > MAX_DIGITS || looksLikeDatesOrYears(groups)) return false;
  if (groups.length === 1) return digits >= 10;
  const allSingles = groups.every((g) => g.digits.length === 1);
  const short = chunks(groups).filter((c) => !c.spelled && c.digits < 3).length;
  return allSingles || short <= 2;
}

/** The digit a word `text[i, j)` spells, or -1; `oh` and `o` read as zero only inside a number. */
function digitWordAt(text: string, i: number, j: number, inNumber: boolean): number {
  const length = j - i;
  if (length > 5) return -1;
  // NOTE: indexed loops on purpose: this runs for every short word of texts with digits.
  for (let d = 0; d < DIGIT_WORDS.length; d++) {
    const word = DIGIT_WORDS[d] as string;
    if (word.length === length && text.startsWith(word, i)) return Math.min(d, 9);
  }
  for (let z = 0; inNumber && z < ZERO_WORDS.length; z++) {
    const word = ZERO_WORDS[z] as string;
    if (word.length === length && text.startsWith(word, i)) return 0;
  }
  return -1;
}

/** Adds the sequence of groups to `found` if it is a phone number. */
function closeSequence(groups: readonly Group[], found: Array<{ start: number; end: number }>): void {
  if (isPhone(groups)) found.push({ start: (groups[0] as Group).start, end: (groups[groups.length - 1] as Group).end });
}

/**
 * Finds phone numbers in a literal view's text; returns ranges of that text `[start, end)`
 * from the first to the last digit.
 */
export function findPhoneNumbers(text: string): Array<{ start: number; end: number }> {
  if (!MAYBE_NUMBER.test(text) || !(SEVEN_DIGITS.test(text) || SPELLED_DIGIT.test(text))) return [];
  const found: Array<{ start: number; end: number }> = [];
  let groups: Group[] = [];
  let gap = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let j = i + 1;
    let breaks = false;
    if (isDigit(c)) {
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      groups.push({ start: i, end: j, digits: text.slice(i, j), spelled: false });
      gap = 0;
    } else if (isLetter(c)) {
      while (j < text.length && isLetter(text.charCodeAt(j))) j++;
      const digit = digitWordAt(text, i, j, groups.length > 0);
      if (digit < 0) breaks = true;
      else {
        groups.push({ start: i, end: j, digits: String(digit), spelled: true });
        gap = 0;
      }
    } else if (!(SEPARATORS.has(c) || (c === COMMA && groups[groups.length - 1]?.spelled === true)) || ++gap > MAX_GAP) {
      breaks = true;
    }
    if (breaks) {
      if (groups.length > 0) {
        closeSequence(groups, found);
        groups = [];
      }
      gap = 0;
    }
    i = j;
  }
  if (groups.length > 0) closeSequence(groups, found);
  return found;
}
