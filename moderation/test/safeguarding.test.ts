import t from 'tap';
import { createSafeguardingStage } from '../stages/safeguarding.ts';
import type { Role } from '../types.ts';
import { screenWith } from './helpers.ts';

const stage = createSafeguardingStage();
const toStudent = { senderRole: 'mentor' as Role, recipientRoles: ['student' as Role] };
const fromStudent = { senderRole: 'student' as Role, recipientRoles: ['mentor' as Role] };
/** `category/severity@original characters` for each finding. */
const hits = (text: string, direction = toStudent): string[] =>
  screenWith(stage, text, direction).findings.map((f) => `${f.category}/${f.severity}@${f.span ? text.slice(f.span.start, f.span.end) : ''}`);

t.test('grooming, meeting, gifts and intimate questions from an adult weigh one step more', async (t) => {
  t.same(hits("Don't tell your parents about this"), ["grooming/high@Don't tell your parents"]);
  t.same(hits("Don't tell your parents about this", fromStudent), ["grooming/medium@Don't tell your parents"]);
  t.same(hits('this is our little secret ok'), ['grooming/high@this is our little secret'], 'the longer phrase only');
  t.same(hits('pls d3lete this ch@t'), ['grooming/high@d3lete this ch@t']);
  t.same(hits('I can pick you up after school'), ['meeting/critical@I can pick you up']);
  t.same(hits('come to my house, just the two of us'), ['meeting/critical@come to my house', 'meeting/critical@just the two of us']);
  t.same(hits('i can buy you a new phone'), ['gifts/high@i can buy you a']);
  t.same(hits('are u alone?'), ['intimate/high@are u alone']);
  t.same(hits('what r u wearing'), ['intimate/critical@what r u wearing']);
  t.same(hits('you look so pretty'), ['intimate/medium@you look so pretty']);
});

t.test('crisis signals from a student are critical', async (t) => {
  t.same(hits('i want to die', fromStudent), ['crisis/critical@i want to die']);
  t.same(hits('I kinda want to kill myself lol', fromStudent), ['crisis/critical@kill myself']);
  t.same(hits('my stepdad hits me', fromStudent), ['crisis/critical@my stepdad hits me']);
  t.same(hits('my stepdad h|ts me', fromStudent), ['crisis/critical@my stepdad h|ts me'], 'an ambiguous second letter is read both ways');
  t.same(hits("i'm scared to go home", fromStudent), ["crisis/critical@i'm scared to go home"]);
  t.same(hits('i want to die', toStudent), ['crisis/high@i want to die'], 'from an adult: as listed');
});

t.test('supervised, everyday mentoring talk raises nothing', async (t) => {
  for (const text of [
    "let's meet in the library during the supervised session",
    'we read about suicide prevention in health class',
    'tell your parents about the internship fair, they are welcome too',
    'the secret to a good résumé is numbers',
    'my mom will pick me up after the session',
    'I killed it on my chemistry test',
    'what are you planning to wear to the interview? business casual works',
  ]) {
    t.same(hits(text), [], text);
  }
});
