/**
 * The toxicity model as a stage of the server's pipeline: its scores and version are recorded in
 * the verdict, and a missing or corrupt model stops start-up unless the stage is disabled.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { build, login } from './support/app.ts';
import { TestClient } from './support/ws-client.ts';

const MODEL_ENV = { CLASSIFIER_ENABLED: 'true', CLASSIFIER_BUDGET_MS: '10000' };

t.test('the model scores every message and flags insults no list has', async (t) => {
  const { app, wsUrl } = await build(t, { env: MODEL_ENV });
  const ava = await login(app, 'ava');
  const student = await TestClient.connect(wsUrl, ava.token);
  t.teardown(() => student.close());
  const conversationId = (student.frames[0]!.conversations as { conversationId: string }[])[0]!.conversationId;
  await student.sendMessage(conversationId, 'ok', 'Thanks for the tips on my resume, I will update it tonight');
  await student.sendMessage(conversationId, 'bad', 'you are a pathetic worthless moron and everybody laughs at you');
  const rows = await app.db.prisma.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' }, select: { verdict: true, categories: true } });
  const verdicts = rows.map((row) => row.verdict as { scores?: Record<string, number>; stageVersions: Record<string, string> });
  t.ok(verdicts.every((v) => v.stageVersions['toxicity-model']), 'the model version is recorded in every verdict');
  t.ok(verdicts[0]!.scores!.toxic! < 0.5, `ordinary talk scores low (${verdicts[0]!.scores!.toxic})`);
  t.ok(verdicts[1]!.scores!.toxic! > 0.8, `the insult scores high (${verdicts[1]!.scores!.toxic})`);
  t.ok(rows[1]!.categories.includes('toxicity'), 'and is flagged as toxicity');
  t.same(rows[0]!.categories, [], 'ordinary talk passes untouched');
});

t.test('a missing or corrupt model stops start-up, unless the stage is disabled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-model-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await t.rejects(build(t, { env: { ...MODEL_ENV, CLASSIFIER_MODEL_DIR: join(dir, 'missing') } }), /model\.json|metadata\.json|weights\.bin/);
  cpSync('moderation/model', join(dir, 'corrupt'), { recursive: true });
  writeFileSync(join(dir, 'corrupt', 'weights.bin'), Buffer.alloc(1024));
  await t.rejects(build(t, { env: { ...MODEL_ENV, CLASSIFIER_MODEL_DIR: join(dir, 'corrupt') } }), /weights\.bin/);
  const { app } = await build(t, { env: { CLASSIFIER_ENABLED: 'false', CLASSIFIER_MODEL_DIR: join(dir, 'missing') }, listen: false });
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'rules only when disabled explicitly');
});
