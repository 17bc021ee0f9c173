import t from 'tap';
import { conversationRisk, createRiskStage } from '../stages/risk.ts';
import type { Finding, PriorSignal } from '../types.ts';
import { request, screenWith } from './helpers.ts';

const now = new Date('2026-11-24T12:00:00Z');
const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 3_600_000);
const signal = (h: number, categories: string[], severity: PriorSignal['severity']): PriorSignal => ({ at: hoursAgo(h), senderRole: 'mentor', categories, severity });
const finding = (category: string, severity: Finding['severity']): Finding => ({ stage: 'safeguarding', category, severity, rule: category });

t.test('several mild signals from an adult add up to an alert', async (t) => {
  const looks = signal(48, ['intimate'], 'medium');
  const boyfriend = signal(20, ['intimate'], 'high');
  const first = conversationRisk(request('hi', { priorSignals: [] }), [finding('intimate', 'medium')]);
  t.equal(first.severity, 'none', 'one compliment is not an alert');
  const second = conversationRisk(request('hi', { priorSignals: [looks] }), [finding('intimate', 'high')]);
  t.equal(second.severity, 'high');
  const third = conversationRisk(request("don't tell anyone", { priorSignals: [looks, boyfriend] }), [finding('grooming', 'high')]);
  t.equal(third.severity, 'critical');
  t.ok(third.score > second.score && third.score <= 1);
  t.match(third.reason, /grooming, intimate/);
});

t.test('one severe message alone is left to its own finding', async (t) => {
  t.equal(conversationRisk(request('x'), [finding('meeting', 'critical')]).severity, 'none');
});

t.test('old signals decay and fall out of the window; mild student talk stays low', async (t) => {
  const recent = conversationRisk(request('x', { priorSignals: [signal(2, ['intimate'], 'high')] }), [finding('intimate', 'high')]);
  const older = conversationRisk(request('x', { priorSignals: [signal(100, ['intimate'], 'high')] }), [finding('intimate', 'high')]);
  const gone = conversationRisk(request('x', { priorSignals: [signal(24 * 8, ['intimate'], 'high')] }), [finding('intimate', 'high')]);
  t.ok(recent.score > older.score && older.score > gone.score);
  t.equal(gone.severity, 'none');
  const student = { ...signal(1, ['profanity'], 'medium'), senderRole: 'student' as const };
  const banter = conversationRisk(request('x', { senderRole: 'student', recipientRoles: ['mentor'], priorSignals: [student, student] }), [finding('profanity', 'medium')]);
  t.ok(banter.score < 0.2, `profanity banter scores ${banter.score}`);
});

t.test('the stage reports the score and raises a finding on alert', async (t) => {
  const stage = createRiskStage();
  const quiet = screenWith(stage, 'hi');
  t.same([quiet.findings, quiet.conversationRisk], [[], 0]);
  const out = screenWith(stage, 'x', { priorSignals: [signal(5, ['intimate'], 'high'), signal(3, ['gifts'], 'high')] }, [finding('grooming', 'high')]);
  t.equal(out.findings[0]?.category, 'conversation-risk');
  t.equal(out.findings[0]?.severity, 'critical');
  t.equal(out.conversationRisk, out.findings[0]?.score);
});
