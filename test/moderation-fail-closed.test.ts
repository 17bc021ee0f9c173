import t from 'tap';
import { createRuleScreener } from '../moderation/pipeline.ts';
import { defaultPolicy } from '../moderation/policy.ts';
import type { Stage } from '../moderation/stage.ts';
import { createContactStage } from '../moderation/stages/contact.ts';
import { createLexicalStage } from '../moderation/stages/lexical.ts';
import { createRiskStage } from '../moderation/stages/risk.ts';
import { createSafeguardingStage } from '../moderation/stages/safeguarding.ts';
import { eventually } from './support/app.ts';
import { api, moderationSetup } from './support/moderation.ts';

/** Which real stage misbehaves for the next message, and how. */
const sabotage: { stage: string | null; how: 'throw' | 'slow' } = { stage: null, how: 'throw' };

/** A real stage that throws, or answers four times over its budget, when sabotaged. */
function sabotageable(stage: Stage): Stage {
  return {
    name: stage.name,
    version: stage.version,
    budgetMs: stage.budgetMs,
    screen(context) {
      if (sabotage.stage !== stage.name) return stage.screen(context);
      if (sabotage.how === 'throw') throw new Error(`${stage.name} is broken`);
      const output = stage.screen(context);
      return new Promise((resolve) => setTimeout(() => resolve(output), stage.budgetMs * 4));
    },
  };
}

const stages = [createLexicalStage(), createContactStage(), createSafeguardingStage(), createRiskStage()].map(sabotageable);
const screener = createRuleScreener({ policyFor: () => defaultPolicy, stages, risk: false });

t.test('a stage that throws or exceeds its budget holds the message with an alert; nothing reaches the recipient', async (t) => {
  const { app, ava, maya, coordinator, conversationId, open } = await moderationSetup(t, { screener });
  const student = await open(ava);
  const mentor = await open(maya);
  const watcher = await open(coordinator);
  t.same(stages.map((s) => s.name), ['lexical', 'contact', 'safeguarding', 'conversation-risk']);
  let n = 0;
  for (const stage of stages) {
    for (const how of ['throw', 'slow'] as const) {
      n++;
      sabotage.stage = stage.name;
      sabotage.how = how;
      const ack = await mentor.sendMessage(conversationId, `bad-${n}`, 'See you at the session on Tuesday, bring your notes');
      sabotage.stage = null;
      t.same([ack.type, ack.status], ['ack', 'pending_review'], `${stage.name} ${how}: held`);
      const alert = (await watcher.next((f) => f.type === 'alert' && (f.alert as { messageId: string }).messageId === ack.messageId)).alert as { source: string; severity: string; reason: string };
      t.same([alert.source, alert.severity], ['failure', 'high'], `${stage.name} ${how}: alert raised`);
      t.match(alert.reason, stage.name);
      const marker = await mentor.sendMessage(conversationId, `ok-${n}`, `marker ${n}`);
      await eventually(() => student.messages(conversationId).some((m) => m.seq === marker.seq), 5000, 'the marker arrives');
      t.notOk(student.messages(conversationId).some((m) => m.seq === ack.seq), `${stage.name} ${how}: not delivered`);
      const stored = await app.db.prisma.message.findUniqueOrThrow({ where: { id: String(ack.messageId) }, include: { decisions: true } });
      t.equal(stored.status, 'held');
      t.equal((stored.verdict as { failure?: { stage: string } }).failure?.stage, stage.name);
      t.same(stored.decisions.map((d) => [d.source, d.action]), [['system', 'hold']]);
    }
  }
  const history = await api(app, ava, 'GET', `/conversations/${conversationId}/messages?after=0`);
  t.ok((history.body as { messages: { body: string }[] }).messages.every((m) => m.body.startsWith('marker')), 'history has only the markers');
});

t.test('a screener that throws instead of answering holds the message too', async (t) => {
  const broken = { screen: () => Promise.reject(new Error('model crashed')), close: async () => {} };
  const { ava, maya, coordinator, conversationId, open } = await moderationSetup(t, { screener: broken });
  const student = await open(ava);
  const watcher = await open(coordinator);
  const mentor = await open(maya);
  const ack = await mentor.sendMessage(conversationId, 'x1', 'hello');
  t.equal(ack.status, 'pending_review');
  const alert = (await watcher.next((f) => f.type === 'alert')).alert as { reason: string };
  t.match(alert.reason, /model crashed/);
  t.same(student.messages(conversationId), []);
});
