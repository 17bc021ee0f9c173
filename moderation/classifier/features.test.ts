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
