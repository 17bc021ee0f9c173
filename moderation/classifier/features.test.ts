import t from 'tap';
import { normalise } from '../normalise.ts';
import { DEFAULT_FEATURE_SETTINGS, Featuriser, type SparseVector } from './features.ts';

const featuriser = new Featuriser(DEFAULT_FEATURE_SETTINGS);
const features = (text: string): SparseVector => featuriser.featurise(normalise(text).text);
const plain = features('you are a fucking idiot');

t.test('disguised spellings give the same features as the plain text', async (t) => {
  const disguises = {
    leetspeak: 'Y0U 4RE A FUCK1NG 1D10T',
    fullwidth: 'ｙｏｕ ａｒｅ ａ ｆｕｃｋｉｎｇ ｉｄｉｏｔ',
    invisible: 'you are a fu\u200Bcking id\u00ADiot',
    cyrillic: 'уou аre а fucking idiot',
    punctuation: 'you are a fucking idiot!!!',
  };
  for (const [name, text] of Object.entries(disguises)) {
    const disguised = features(text);
    t.same([...disguised.indices], [...plain.indices], `${name}: same n-grams`);
    t.same([...disguised.values], [...plain.values], `${name}: same weights`);
  }
});

t.test('vectors are sorted, distinct, L2-normalised and inside the hash space', async (t) => {
  const v = features('Please send me the cover letter draft before Thursday, thanks!');
  const indices = [...v.indices];
  t.same(indices, [...new Set(indices)].sort((a, b) => a - b));
  t.ok(indices.every((i) => i >= 0 && i < 2 ** DEFAULT_FEATURE_SETTINGS.hashBits));
  const norm = Math.sqrt([...v.values].reduce((sum, x) => sum + x * x, 0));
  t.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
  t.same(features(''), { indices: new Int32Array(0), values: new Float32Array(0) }, 'an empty text has no features');
});

t.test('the featuriser keeps no state between texts', async (t) => {
  featuriser.featurise('something else entirely, quite long '.repeat(50));
  t.same([...features('you are a fucking idiot').values], [...plain.values]);
});

t.test('words are runs of letters and digits of any script, astral ones included', async (t) => {
  const same = (a: string, b: string): boolean => {
    const [x, y] = [featuriser.featurise(a), featuriser.featurise(b)];
    return x.indices.join() === y.indices.join() && x.values.join() === y.values.join();
  };
  t.ok(same('héllo wörld 𝒜𝒷', '  héllo -- wörld\t𝒜𝒷!'), 'separators of any length and kind are one space');
  t.notOk(same('héllo 𝒜𝒷', 'héllo'), 'astral letters are part of words');
  t.ok(same('héllo 😀', 'héllo'), 'emoji are separators');
  t.ok(same('héllo \uD835', 'héllo'), 'a lone surrogate is a separator');
});

t.test('only the first maxChars units count, even when a surrogate pair is cut', async (t) => {
  const { maxChars } = DEFAULT_FEATURE_SETTINGS;
  const prefix = 'ab '.repeat(maxChars).slice(0, maxChars - 1);
  const cut = featuriser.featurise(`${prefix}𝒜 more words`);
  const plain = featuriser.featurise(prefix);
  t.same([...cut.indices], [...plain.indices]);
  t.same([...cut.values], [...plain.values]);
  const whole = featuriser.featurise(`${prefix.slice(1)}𝒜`);
  t.notSame([...whole.indices], [...featuriser.featurise(prefix.slice(1)).indices], 'a whole pair at the limit counts');
});
