import t from 'tap';
import { normalise } from '../normalise.ts';
import { createRuleScreener } from '../pipeline.ts';
import { defaultPolicy } from '../policy.ts';
import type { StageContext } from '../stage.ts';
import type { ScreeningRequest } from '../types.ts';
import { BATCHER_ERRORS } from './batcher.ts';
import { ClassifierStage } from './stage.ts';

/** A student's message. */
function request(text: string): ScreeningRequest {
  return {
    kind: 'message',
    text,
    programId: 'p1',
    conversationId: 'c1',
    senderId: 's1',
    senderRole: 'student',
    recipientRoles: ['mentor'],
    priorSignals: [],
    at: new Date(),
  };
}

/** The stage context of a student's message. */
function context(text: string, modelThresholds?: Record<string, number>): StageContext {
  return { request: request(text), normalised: normalise(text), ...(modelThresholds ? { modelThresholds } : {}) };
}

t.test('with the committed model', async (t) => {
  const stage = await ClassifierStage.create({ maxWaitMs: 1 });
  t.teardown(() => stage.close());
  t.equal(stage.name, 'toxicity-model');
  t.equal(stage.version, stage.model.metadata.version, 'the stage version is the model version');

  const toxic = await stage.screen(context('shut up you stupid fucking idiot, nobody likes you'));
  t.ok(toxic.findings.some((f) => f.category === 'toxicity' && f.rule === 'model:toxic' && f.stage === 'toxicity-model'), 'flags a clearly toxic line');
  t.ok((toxic.scores?.toxic ?? 0) > 0.9);

  const disguised = await stage.screen(context('shut up you stup1d FUCK1NG 1D10T, nobody likes you'));
  t.ok(disguised.findings.some((f) => f.category === 'toxicity'), 'and its disguised spelling');

  const benign = await stage.screen(context('Thanks for the feedback on my résumé! Can we meet Thursday at 4?'));
  t.same(benign.findings, [], 'passes a benign line');
  t.same(Object.keys(benign.scores ?? {}).sort(), ['identity_hate', 'obscene', 'threat', 'toxic'], 'scores always returned');

  const lenient = await stage.screen(context('shut up you stupid fucking idiot, nobody likes you', { toxic: 1, obscene: 1, identity_hate: 1, threat: 1 }));
  t.same(lenient.findings, [], "the program's thresholds override the model's");

  const concurrent = await Promise.all(['you idiot', 'good luck with the interview', 'you moron'].map((text) => stage.screen(context(text))));
  t.equal(concurrent.length, 3);
  t.ok(stage.stats().batches < 3 + 6, 'concurrent texts shared batches');
});

t.test('a full queue rejects, so the runner holds the message', async (t) => {
  const stage = await ClassifierStage.create({ maxQueue: 1, maxBatchSize: 1, maxWaitMs: 0 });
  t.teardown(() => stage.close());
  const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((text) => stage.screen(context(text))));
  t.ok(
    results.some((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === BATCHER_ERRORS.QUEUE_FULL),
    'some were refused with QUEUE_FULL',
  );
});

t.test('a missing model stops creation with an error naming the file', async (t) => {
  await t.rejects(ClassifierStage.create({ modelDir: '/nonexistent/model' }), { file: '/nonexistent/model/metadata.json', message: /metadata.json/ });
});

t.test('a failed inference holds the messages of its batch with an alert', async (t) => {
  const stage = await ClassifierStage.create();
  // The model stage alone: rule stages on a busy machine may run over their own budgets.
  const screener = createRuleScreener({ policyFor: () => defaultPolicy, stages: [], extraStages: [stage], risk: false });
  t.teardown(() => screener.close());
  // Released weights make every inference fail.
  stage.model.close();
  const results = await Promise.all(['you are a worthless idiot', 'see you thursday'].map((text) => screener.screen(request(text))));
  for (const result of results) {
    t.equal(result.action, 'hold');
    t.match(result.failure, { stage: 'toxicity-model', reason: /inference failed: toxicity model is closed/ });
    t.match(result.alert, { severity: 'high', reason: /screening failed at toxicity-model/ });
  }
  t.match(stage.stats(), { batches: 1, failedBatches: 1 }, 'one inference for the two, failed');
});
