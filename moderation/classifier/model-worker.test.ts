import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { normalise } from '../normalise.ts';
import { LABELS } from './labels.ts';
import { DEFAULT_MODEL_DIR } from './model-dir.ts';
import { MODEL_FILES, ModelFileError } from './model-files.ts';
import { ModelWorker } from './model-worker.ts';
import { ToxicityModel } from './model.ts';

/** A scratch copy of the committed model, removed after the test. */
function copyModel(t: Test): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'trellis-model-'));
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const texts = ['you are a worthless fucking idiot', 'can we move our session to thursday afternoon', ''].map((text) => normalise(text).text);

t.test('the worker scores a batch exactly as the model does in this thread', async (t) => {
  const worker = await ModelWorker.start(DEFAULT_MODEL_DIR);
  t.teardown(() => worker.close());
  const model = await ToxicityModel.load();
  t.teardown(() => model.close());
  t.same(worker.metadata, model.metadata, 'the metadata of the model it loaded');
  const rows = await worker.score(texts);
  const expected = await model.predict(texts.map((text) => model.featurise(text)));
  t.equal(rows.length, texts.length);
  rows.forEach((row, i) => t.same([...row], LABELS.map((label) => expected[i]![label]), `row ${i}: same scores`));
  t.same(await worker.score([]), [], 'an empty batch is fine');
});

t.test('a missing or corrupt model stops start-up with a ModelFileError naming the file', async (t) => {
  const dir = copyModel(t);
  const weights = path.join(dir, MODEL_FILES.weights);
  writeFileSync(weights, readFileSync(weights).subarray(0, 100));
  const error = await ModelWorker.start(dir).catch((e: unknown) => e);
  t.ok(error instanceof ModelFileError, 'a ModelFileError');
  t.match(error, { file: weights, message: `toxicity model file ${weights}: 100 bytes, metadata says 2097476`, code: 'CLASSIFIER_MODEL_INVALID' });
  await t.rejects(ModelWorker.start('/nonexistent/model'), { name: 'ModelFileError', file: '/nonexistent/model/metadata.json', message: /ENOENT/ });
});

t.test('a crash fails the batch in flight; a new thread serves the next ones', async (t) => {
  const worker = await ModelWorker.start(DEFAULT_MODEL_DIR);
  t.teardown(() => worker.close());
  // Long texts keep the thread busy long enough to die mid-batch.
  const batch = Array.from({ length: 64 }, (_, i) => `${'please read my cover letter draft and tell me what you think '.repeat(30)} ${i}`);
  const inFlight = worker.score(batch);
  await worker.killThread();
  await t.rejects(inFlight, /toxicity model worker stopped/);
  const [toxic] = await worker.score(texts);
  t.ok(toxic && toxic[0]! > 0.9, 'the replacement scores');
  t.equal(worker.restarts, 1);
});

t.test('a replacement that finds another model version fails every later batch', async (t) => {
  const dir = copyModel(t);
  const worker = await ModelWorker.start(dir);
  t.teardown(() => worker.close());
  const metadataFile = path.join(dir, MODEL_FILES.metadata);
  writeFileSync(metadataFile, JSON.stringify({ ...JSON.parse(readFileSync(metadataFile, 'utf8')), version: 'another-version' }));
  await worker.killThread();
  await t.rejects(worker.score(texts), /on disk is now another-version, not hashed-ngram-mlp-.*restart the server/);
  await t.rejects(worker.score(texts), /restart the server/, 'and stays failed');
});

t.test('close stops the thread and is safe twice', async (t) => {
  const worker = await ModelWorker.start(DEFAULT_MODEL_DIR);
  await worker.close();
  await worker.close();
  await t.rejects(worker.score(texts), /toxicity model worker stopped/);
  t.equal(worker.restarts, 0, 'a closed worker is not replaced');
});
