import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ListError, SEVERITY_TAGS, parseList, parseRuleList } from '../phrases.ts';
import { joinSpacedWords } from '../rules.ts';
import { SAFEGUARDING_CATEGORIES, createSafeguardingStage } from '../stages/safeguarding.ts';
import type { Role } from '../types.ts';
import { screenWith } from './helpers.ts';

const fromStudent = { senderRole: 'student' as Role, recipientRoles: ['mentor' as Role] };

/** A safeguarding stage over lists holding only `lines` in `grooming.txt`. */
function stageWith(lines: string): ReturnType<typeof createSafeguardingStage> {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-near-'));
  mkdirSync(join(dir, 'safeguarding'));
  for (const category of SAFEGUARDING_CATEGORIES) writeFileSync(join(dir, 'safeguarding', `${category}.txt`), category === 'grooming' ? lines : '');
  return createSafeguardingStage({ listDir: dir });
}

t.test('near rules parse into two sides, a window and exceptions', async (t) => {
  const { phrases, near } = parseRuleList('x.txt', 'low plain phrase\nhigh near 3 (meet|see) me & (alone|by yourself) unless library session\n', SEVERITY_TAGS, true);
  t.same(phrases.map((e) => e.phrase), ['plain phrase']);
  t.equal(near.length, 1);
  t.same(near.map((n) => [n.tag, n.window, n.left.map((e) => e.phrase), n.right.map((e) => e.phrase), n.unless.map((e) => e.phrase)]),
    [['high', 3, ['meet me', 'see me'], ['alone', 'by yourself'], ['library session']]]);
  t.same(parseRuleList('x.txt', 'low near 0 i & (want to die)', SEVERITY_TAGS, true).near[0]?.left.map((e) => e.phrase), ['i'], 'a side may be one letter');
});

t.test('bad near rules are refused naming the file and line', async (t) => {
  const bad = (line: string): unknown => parseRuleList('x.txt', `low ok\n${line}\n`, SEVERITY_TAGS, true);
  t.throws(() => bad('high near 3 meet me alone'), new ListError('x.txt', 2, 'high near 3 meet me alone', "expected two sides joined by ' & '"));
  t.throws(() => bad('high near 3 a & b & c'), /x\.txt:2: expected two sides/);
  t.throws(() => bad('high near 30 meet & alone'), /x\.txt:2: a near window must be 0 to 12 words/);
  t.throws(() => bad('high near 2 meet & alone unless'), /x\.txt:2: expected at most one non-empty 'unless' part/);
  t.throws(() => bad('high near 2 meet & alone unless a unless b'), /x\.txt:2: expected at most one non-empty 'unless' part/);
  t.throws(() => bad('high near 2 meet & (alone'), /x\.txt:2: unbalanced/);
  t.throws(() => bad('high near 2 meet & <b>'), /x\.txt:2: unexpected character/);
  t.throws(() => parseList('x.txt', 'high near 2 meet & alone', SEVERITY_TAGS), /'near' rules are only allowed in safeguarding lists/);
});

t.test('a near rule needs both sides within the window, in one sentence, without an exception', async (t) => {
  const stage = stageWith('medium near 3 (secret|delete) & (parents|coordinator) unless (surprise|draft)\n');
  const rules = (text: string): string[] =>
    screenWith(stage, text, fromStudent).findings.map((f) => `${f.rule}@${f.span ? text.slice(f.span.start, f.span.end) : ''}`);
  const rule = 'grooming:near 3 (secret|delete) & (parents|coordinator) unless (surprise|draft)';
  t.same(rules('keep it secret from your parents'), [`${rule}@secret from your parents`]);
  t.same(rules('the coordinator reads everything so delete it'), [`${rule}@coordinator reads everything so delete`], 'either order');
  t.same(rules('delete the chat before the nosy coordinator reads it'), [], 'more than three words between');
  t.same(rules('the secret is practice. My parents agree'), [], 'not across a sentence end');
  t.same(rules("it's a surprise, keep it secret from your parents"), [], 'an exception anywhere vetoes the rule');
  t.same(rules('delete the draft your parents saw'), [], 'exception');
  t.same(rules('secret'), [], 'one side alone is nothing');
});

t.test('one side of a near rule without the other, or with an exception, leaves the phrases and the other rules as they are', async (t) => {
  const stage = stageWith('high keep quiet\nmedium near 3 (secret|delete) & (parents|coordinator) unless surprise\nlow near 3 hide & teacher\n');
  const rules = (text: string): string[] =>
    screenWith(stage, text, fromStudent).findings.map((f) => `${f.rule}@${f.span ? text.slice(f.span.start, f.span.end) : ''}`);
  const secret = 'grooming:near 3 (secret|delete) & (parents|coordinator) unless surprise';
  const hide = 'grooming:near 3 hide & teacher';
  t.same(rules('keep quiet, your parents know'), ['grooming:keep quiet@keep quiet'], 'a side alone');
  t.same(rules('a surprise: hide it from the teacher and keep it secret from your parents'), [`${hide}@hide it from the teacher`], 'an exception of one rule');
  t.same(rules('keep quiet and hide it from the teacher'), ['grooming:keep quiet@keep quiet', `${hide}@hide it from the teacher`]);
  t.same(rules('hide the secret from your parents and the teacher'), [`${secret}@secret from your parents`], 'both triggers, one pair close enough');
});

t.test('shipped near rules catch unseen phrasings and spare ordinary mentoring talk', async (t) => {
  const stage = createSafeguardingStage();
  const categories = (text: string, direction = { senderRole: 'mentor' as Role, recipientRoles: ['student' as Role] }): string[] =>
    [...new Set(screenWith(stage, text, direction).findings.map((f) => f.category))].sort();
  t.same(categories('no need to mention our talks to your teacher'), ['grooming']);
  t.same(categories('we could grab lunch somewhere, just you and me'), ['meeting']);
  t.same(categories('are you alone right now?'), ['intimate']);
  t.same(categories('i keep thinking about ending it all', fromStudent), ['crisis']);
  t.same(categories('are you alone on the science fair project?'), []);
  t.same(categories('what are you wearing to the job interview?'), []);
  t.same(categories("we'll meet in the library session with your coordinator, not alone"), []);
  t.same(categories('end it with a strong closing line', fromStudent), []);
});

t.test('words typed as spaced letters are joined, the finding spans the message', async (t) => {
  t.equal(joinSpacedWords('m e e t  m e  a l o n e'), 'meet me alone');
  t.equal(joinSpacedWords('plan A or plan B'), undefined);
  t.equal(joinSpacedWords('two  spaces but no letters'), undefined);
  const text = 'm e e t  m e  a l o n e';
  t.same(screenWith(createSafeguardingStage(), text).findings.map((f) => [f.category, f.span]), [['meeting', { start: 0, end: text.length }]]);
});
