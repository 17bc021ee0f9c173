import t from 'tap';
import { normalise, toOriginalSpan } from '../normalise.ts';

/** The original characters behind the first occurrence of `needle` in the normalised text. */
function originalOf(input: string, needle: string, view: 'text' | 'literal' = 'text'): string {
  const n = normalise(input);
  const v = view === 'text' ? n : n.literal;
  if (!v) throw new Error('no literal view');
  const at = v.text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in ${v.text}`);
  const span = toOriginalSpan(v, at, at + needle.length);
  return input.slice(span.start, span.end);
}

t.test('folds case, compatibility forms, accents and lookalikes', async (t) => {
  t.equal(normalise('HeLLo').text, 'hello');
  t.equal(normalise('ｆｕｃｋ').text, 'fuck', 'fullwidth');
  t.equal(normalise('ⓕⓤⓒⓚ').text, 'fuck', 'circled');
  t.equal(normalise('𝐟𝐮𝐜𝐤').text, 'fuck', 'mathematical bold (surrogate pairs)');
  t.equal(normalise('fυсk').text, 'fuck', 'Greek upsilon and Cyrillic es');
  t.equal(normalise('ВІТСН').text, 'bitch', 'Cyrillic capitals');
  t.equal(normalise('crème brûlée').text, 'creme brulee', 'accents stripped');
  t.equal(normalise('Straße').text, 'strasse');
  t.equal(normalise('f\u0301u\u0308ck').text, 'fuck', 'combining marks');
});

t.test('removes invisible characters and collapses spaces', async (t) => {
  t.equal(normalise('f\u200bu\u200dc\ufeffk').text, 'fuck');
  t.equal(normalise('s\u00adhit').text, 'shit', 'soft hyphen');
  t.equal(normalise('meet   me\n\n\talone').text, 'meet me alone');
  t.equal(normalise('a\u3164b').text, 'ab', 'Hangul filler');
});

t.test('reads leetspeak only inside words that have a letter', async (t) => {
  t.equal(normalise('sh1t').text, 'shit');
  t.equal(normalise('$hit').text, 'shit');
  t.equal(normalise('a$$hole').text, 'asshole');
  t.equal(normalise('b!tch').text, 'bitch');
  t.equal(normalise('k1ll y0u').text, 'kill you');
  t.equal(normalise('Grade 11 in 2024, page 45 at 3:30').text, 'grade 11 in 2024, page 45 at 3:30');
  t.equal(normalise('wow! great').text, 'wow! great', 'a trailing bang is punctuation');
  t.equal(normalise('@maya_k').text, '@maya_k', 'a leading @ is a handle, not an a');
});

t.test('records the other reading of ambiguous leetspeak', async (t) => {
  const n = normalise('1ick');
  t.equal(n.text, 'iick');
  t.equal(n.alternatives?.get(0), 'l');
  t.equal(normalise('hello').alternatives, undefined, 'absent when nothing is ambiguous');
});

t.test('joins single letters separated inside a word', async (t) => {
  t.equal(normalise('f.u.c.k you').text, 'fuck you');
  t.equal(normalise('f u c k').text, 'fuck');
  t.equal(normalise('f-u-c-k off').text, 'fuck off');
  t.equal(normalise('s_h_1_t').text, 'shit');
  t.equal(normalise('I got a B in math').text, 'i got a b in math', 'two single letters are words');
  t.equal(normalise("don't tell").text, 'dont tell', 'apostrophes inside words dropped');
});

t.test('cuts runs of a letter to two', async (t) => {
  t.equal(normalise('fuuuuuck').text, 'fuuck');
  t.equal(normalise('sooo cool').text, 'soo cool');
  t.equal(normalise('class').text, 'class', 'double letters kept');
  t.equal(normalise('1000000').text, '1000000', 'digits untouched');
  t.equal(normalise('FuUuUck').text, 'fuuck', 'in any case');
  t.equal(normalise('Hmm, so good').text, 'hmm, so good', 'two in a row and a word after');
  t.equal(normalise('aa a aaa').text, 'aa a aa', 'a run after words of two and one letters');
});

t.test('keeps digits readable in the literal view', async (t) => {
  const n = normalise('C4ll me 555 0134 or ١٢٣ ０１２');
  t.equal(n.literal?.text, 'c4ll me 555 0134 or 123 012');
  t.equal(n.text, 'call me 555 0134 or 123 012');
});

t.test('maps every unit back to the original characters', async (t) => {
  t.equal(originalOf('you F.U.C.K!', 'fuck'), 'F.U.C.K');
  t.equal(originalOf('so fuuuuuck', 'fuuck'), 'fuuuuuck');
  t.equal(originalOf('x f\u200bu\u200bck y', 'fuck'), 'f\u200bu\u200bck');
  t.equal(originalOf('hey 𝐟𝐮𝐜𝐤 off', 'fuck'), '𝐟𝐮𝐜𝐤');
  t.equal(originalOf('Straße', 'ss'), 'ß');
  t.equal(originalOf('call ٥٥٥ ٠١٣٤ now', '555 0134', 'literal'), '٥٥٥ ٠١٣٤');
  t.equal(originalOf('meet   me', 'meet me'), 'meet   me');
  const ascii = normalise("Hi Maya, let's talk");
  t.same([ascii.starts.slice(0, 3), ascii.ends.slice(0, 3), ascii.starts.length, ascii.ends.length], [[0, 1, 2], [1, 2, 3], ascii.text.length, ascii.text.length]);
  t.same(ascii.literal?.starts.length, ascii.literal?.text.length, 'offsets of plain ASCII are built when read');
  const n = normalise('a\u{1F600}b');
  t.equal(n.starts.length, n.text.length);
  t.equal(n.ends.length, n.text.length);
});
