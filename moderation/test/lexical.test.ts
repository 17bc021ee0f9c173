import t from 'tap';
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLexicalStage } from '../stages/lexical.ts';
import { DEFAULT_LIST_DIR } from '../rules.ts';
import { ListError, SEVERITY_TAGS, parseList } from '../phrases.ts';
import { screenWith } from './helpers.ts';

const stage = createLexicalStage();
const hits = (text: string): string[] =>
  screenWith(stage, text).findings.map((f) => `${f.category}:${text.slice(f.span?.start, f.span?.end)}`);

t.test('finds listed words and their disguises, spanning the original characters', async (t) => {
  t.same(hits('what the fuck'), ['profanity:fuck']);
  t.same(hits('what the F.U.C.K'), ['profanity:F.U.C.K']);
  t.same(hits('you are a b1tch'), ['profanity:b1tch']);
  t.same(hits('ＳＨＩＴ happens'), ['profanity:ＳＨＩＴ']);
  t.same(hits('fuuuuuck this'), ['profanity:fuuuuuck']);
  t.same(hits('f\u200bu\u200bc\u200bk'), ['profanity:f\u200bu\u200bc\u200bk']);
  t.same(hits('such a motherfucker'), ['profanity:motherfucker'], 'inside a word, the whole word');
  t.same(hits('a$$hole'), ['profanity:a$$hole']);
});

t.test('ambiguous leetspeak tries both readings', async (t) => {
  t.ok(hits('stop being a 1oser and get 1aid').length === 0, 'no list entry, no finding');
  t.same(hits('cu1t'), [], 'cuit and cult are not listed');
  t.same(hits('sh1t'), ['profanity:sh1t']);
});

t.test('the most severe rule wins for one span', async (t) => {
  const findings = screenWith(stage, 'I will kill you').findings;
  t.equal(new Set(findings.map((f) => `${f.category}:${f.span?.start}:${f.span?.end}`)).size, findings.length);
  t.ok(findings.some((f) => f.category === 'violence' && f.severity === 'critical'));
});

t.test('categories', async (t) => {
  t.ok(hits('wanna smoke weed later').some((h) => h.startsWith('drugs:')));
  t.ok(hits('send me nudes').some((h) => h.startsWith('sexual:')));
  t.ok(hits('kill all the jews').some((h) => h.startsWith('hate:')));
  t.ok(hits("i'm gonna sh00t up the school").some((h) => h.startsWith('violence:')));
});

t.test('Scunthorpe and everyday words are not flagged', async (t) => {
  for (const text of [
    'Scunthorpe is in England', 'I love cocktail sauce', 'my therapist said so', 'graduated magna cum laude',
    'an analysis of grape juice', 'shiitake mushrooms', 'that class was hard', "Assassin's Creed", 'Sussex university',
    'Essex county', 'the cockpit of a plane', 'reading Dickens and Emily Dickinson', 'flame retardant coating',
    'we pass the class', 'I got high grades', 'Go to hell is a song', 'Great job on the résumé!', 'the assessment is due',
    'a sextant for navigation', 'a document about bass guitars', 'the Arsenal match', 'homo sapiens evolved', 'page 45',
  ]) {
    t.same(hits(text), [], text);
  }
});

t.test('lists are validated with the file, line and entry named', async (t) => {
  t.throws(() => parseList('x.txt', 'medium ok\nhgih fuck\n', SEVERITY_TAGS), new ListError('x.txt', 2, 'hgih fuck', 'expected one of low, medium, high, critical first, got "hgih"'));
  t.throws(() => parseList('x.txt', 'low (a|b', SEVERITY_TAGS), /x\.txt:1: unbalanced/);
  t.throws(() => parseList('x.txt', 'low fu*ck', SEVERITY_TAGS), /x\.txt:1: '\*' is only allowed/);
  t.throws(() => parseList('x.txt', 'low x', SEVERITY_TAGS), /shorter than two letters/);
  t.throws(() => parseList('x.txt', 'low <b>', SEVERITY_TAGS), /unexpected character/);
  t.same(parseList('x.txt', '# comment\n\nhigh (meet|see) me (alone|)  # trailing\n', SEVERITY_TAGS).map((e) => e.phrase), ['meet me alone', 'meet me', 'see me alone', 'see me']);
});

t.test('an admin list extension is picked up, a bad one stops loading', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-lists-'));
  cpSync(DEFAULT_LIST_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'drugs.txt'), 'medium zorblax\n');
  const extended = createLexicalStage({ listDir: dir, badWords: false });
  t.same(screenWith(extended, 'got any z0rblax?').findings.map((f) => f.rule), ['drugs:zorblax']);
  writeFileSync(join(dir, 'drugs.txt'), 'medium zorblax\nmedum oops\n');
  t.throws(() => createLexicalStage({ listDir: dir }), /drugs\.txt:2: expected one of low/);
});
