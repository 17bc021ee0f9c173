import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { normalise } from '../normalise.ts';
import { LABELS } from './labels.ts';
import { MODEL_FILES, ModelFileError } from './model-files.ts';
import { DEFAULT_MODEL_DIR, ToxicityModel } from './model.ts';

/** A scratch copy of the committed model, removed after the test. */
function copyModel(t: Test): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'trellis-model-'));
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('the committed model loads, matches its metadata and scores', async (t) => {
  const model = await ToxicityModel.load();
  t.teardown(() => model.close());
  t.equal(model.version, model.metadata.version);
  t.same(model.metadata.labels, [...LABELS]);
  const [toxic, benign] = await model.predict(
    ['you are a worthless fucking idiot', 'can we move our session to thursday afternoon'].map((text) => model.featurise(normalise(text).text)),
  );
  t.ok(toxic && toxic.toxic > 0.9, `toxic line scores ${toxic?.toxic}`);
  t.ok(benign && benign.toxic < 0.2, `benign line scores ${benign?.toxic}`);
  t.same(await model.predict([]), [], 'an empty batch is fine');
  model.close();
  model.close();
  await t.rejects(model.predict([model.featurise('x')]), /closed/, 'a closed model refuses work');
});

t.test('corrupt weights are refused, naming the file', async (t) => {
  const dir = copyModel(t);
  const weights = path.join(dir, MODEL_FILES.weights);
  const bytes = readFileSync(weights);
  bytes[1000] = (bytes[1000] as number) ^ 0xff;
  writeFileSync(weights, bytes);
  await t.rejects(ToxicityModel.load(dir), { name: 'ModelFileError', file: weights, message: /SHA-256 does not match/ });
  writeFileSync(weights, bytes.subarray(0, 100));
  await t.rejects(ToxicityModel.load(dir), { file: weights, message: /100 bytes/ });
});

t.test('missing files are refused, naming the file', async (t) => {
  for (const name of Object.values(MODEL_FILES)) {
    const dir = copyModel(t);
    rmSync(path.join(dir, name));
    const error = await ToxicityModel.load(dir).catch((e: unknown) => e);
    t.ok(error instanceof ModelFileError, `${name}: a ModelFileError`);
    t.equal((error as ModelFileError).file, path.join(dir, name), `${name}: names the file`);
    t.match((error as ModelFileError).message, /ENOENT/);
  }
});

t.test('metadata that does not match the runtime or the network is refused', async (t) => {
  const dir = copyModel(t);
  const metadataFile = path.join(dir, MODEL_FILES.metadata);
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown> & { features: { hashBits: number } };
  writeFileSync(metadataFile, JSON.stringify({ ...metadata, labels: ['toxic'] }));
  await t.rejects(ToxicityModel.load(dir), { file: path.join(dir, MODEL_FILES.topology), message: /labels toxic differ/ });
  writeFileSync(metadataFile, JSON.stringify({ ...metadata, features: { ...metadata.features, hashBits: 14 } }));
  await t.rejects(ToxicityModel.load(dir), { message: /input width 32768 does not match 2\^14/ });
  writeFileSync(metadataFile, JSON.stringify({ ...metadata, version: undefined }));
  await t.rejects(ToxicityModel.load(dir), { file: metadataFile, message: /invalid metadata: \/version/ });
  writeFileSync(metadataFile, '{ not json');
  await t.rejects(ToxicityModel.load(dir), { file: metadataFile, message: /not valid JSON/ });
});

t.test('a batch that fails to featurise leaves nothing behind for the next', async (t) => {
  const model = await ToxicityModel.load();
  t.teardown(() => model.close());
  const texts = ['you are a worthless fucking idiot', 'see you on thursday'].map((text) => normalise(text).text);
  const alone = await model.scoreTexts(texts);
  // A missing text makes featurising throw midway through the batch.
  await t.rejects(model.scoreTexts([texts[0]!, null as unknown as string]), TypeError);
  t.same([...(await model.scoreTexts(texts))], [...alone], 'the next batch scores as if the failed one never ran');
});
