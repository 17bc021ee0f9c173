import t from 'tap';
import { createRuleScreener, type RuleScreenerOptions } from '../pipeline.ts';
import { defaultPolicy } from '../policy.ts';
import type { Stage, StageContext } from '../stage.ts';
import { request } from './helpers.ts';

/** A stage that finds nothing, or does what `screen` says. */
const stage = (name: string, screen: Stage['screen'], budgetMs = 50): Stage => ({ name, version: '7', budgetMs, screen });
const quiet = stage('quiet', () => ({ findings: [] }));
const build = (options: Partial<RuleScreenerOptions>) => createRuleScreener({ policyFor: () => defaultPolicy, risk: false, now: () => 0, ...options });

t.test('a throwing stage holds the message with the failure recorded', async (t) => {
  const screener = build({ stages: [quiet, stage('broken', () => { throw new Error('list missing'); }), quiet] });
  const result = await screener.screen(request('hello'));
  t.equal(result.action, 'hold');
  t.same(result.failure, { stage: 'broken', reason: 'list missing' });
  t.equal(result.alert?.severity, 'high');
  t.same(result.timings.map((x) => x.outcome), ['ok', 'error', 'ok'], 'the other stages still ran');
});

t.test('a synchronous stage over its budget holds the message', async (t) => {
  let clock = 0;
  const slow = stage('slow', () => { clock += 30; return { findings: [] }; }, 20);
  const screener = build({ stages: [slow], now: () => clock });
  const result = await screener.screen(request('hello'));
  t.equal(result.action, 'hold');
  t.equal(result.failure?.stage, 'slow');
  t.match(result.failure?.reason, /over its budget of 20 ms/);
  t.same(result.timings.map((x) => [x.stage, x.ms, x.outcome]), [['slow', 30, 'timeout']]);
});

t.test('an asynchronous stage that never answers is cut at its budget', async (t) => {
  const hanging = stage('model', () => new Promise<never>(() => undefined), 5);
  const result = await build({ stages: [], extraStages: [hanging] }).screen(request('hello'));
  t.same([result.action, result.failure?.stage, result.timings[0]?.outcome], ['hold', 'model', 'timeout']);
});

t.test('a rejecting or malformed stage holds the message', async (t) => {
  const rejecting = stage('model', () => Promise.reject(new Error('wasm trap')));
  t.same((await build({ stages: [rejecting] }).screen(request('x'))).failure, { stage: 'model', reason: 'wasm trap' });
  const malformed = stage('odd', () => ({}) as never);
  t.same((await build({ stages: [malformed] }).screen(request('x'))).failure, { stage: 'odd', reason: 'returned no findings array' });
});

t.test('a policy that cannot be found holds the message; screen never throws', async (t) => {
  const screener = createRuleScreener({ policyFor: () => { throw new Error('no such program'); }, stages: [quiet], now: () => 0 });
  const result = await screener.screen(request('hello'));
  t.same([result.action, result.failure], ['hold', { stage: 'pipeline', reason: 'no such program' }]);
});

t.test('extra stages see earlier findings and the model thresholds; their scores are merged', async (t) => {
  let seen: { findings: string[]; thresholds: StageContext['modelThresholds'] } | undefined;
  const model = stage('classifier', (context) => {
    seen = { findings: (context.findings ?? []).map((f) => f.category), thresholds: context.modelThresholds };
    return { findings: [{ stage: 'classifier', category: 'toxicity', severity: 'high', rule: 'toxic', score: 0.93 }], scores: { toxic: 0.93 } };
  });
  const screener = createRuleScreener({ policyFor: () => defaultPolicy, extraStages: [model], now: () => 0 });
  const result = await screener.screen(request('what the fuck'));
  t.same(seen?.findings, ['profanity']);
  t.equal(seen?.thresholds?.toxic, defaultPolicy.modelThresholds.toxic);
  t.same(result.scores, { toxic: 0.93 });
  t.same(result.categories, ['profanity', 'toxicity']);
  t.equal(result.action, 'hold', 'a high model finding falls to the catch-all rule');
  t.same(Object.keys(result.stageVersions), ['lexical', 'contact', 'safeguarding', 'classifier', 'conversation-risk']);
});

t.test('synchronous stages answer without a promise; close is safe twice', async (t) => {
  let closed = 0;
  const closing = { ...quiet, close: async () => { closed++; } };
  const screener = build({ stages: [closing] });
  const result = screener.screenNow(request('hello'));
  t.notOk(result instanceof Promise);
  await screener.close();
  await screener.close();
  t.equal(closed, 1);
});

t.test('each rule stage fails closed when it throws or runs over its budget', async (t) => {
  let clock = 0;
  const screener = createRuleScreener({ policyFor: () => defaultPolicy, now: () => clock });
  t.teardown(() => screener.close());
  for (const each of screener.stages) {
    const original = each.screen;
    each.screen = () => { throw new Error(`${each.name} broke`); };
    const thrown = await screener.screen(request('see you in the library'));
    each.screen = (context) => { clock += each.budgetMs + 1; return original.call(each, context); };
    const late = await screener.screen(request('see you in the library'));
    each.screen = original;
    t.same([thrown.action, thrown.failure, late.action, late.failure?.stage], ['hold', { stage: each.name, reason: `${each.name} broke` }, 'hold', each.name], each.name);
  }
  t.equal((await screener.screen(request('see you in the library'))).action, 'deliver', 'restored');
});
