import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { falsePositiveRate, loadCases, requestFor, scoreByCategory, type CaseOutcome } from '../eval/evaluate.ts';
import type { ScreeningResult } from '../types.ts';

const outcome = (labels: string[], predicted: string[]): CaseOutcome => ({
  case: { text: 'x', sender: 'student', labels }, predicted, result: {} as ScreeningResult,
});

t.test('precision and recall per category and for any finding', async (t) => {
  const rows = scoreByCategory([outcome(['contact'], ['contact']), outcome(['contact'], []), outcome([], ['contact']), outcome([], [])]);
  const contact = rows.find((r) => r.category === 'contact');
  t.same([contact?.truePositives, contact?.falsePositives, contact?.falseNegatives, contact?.precision, contact?.recall], [1, 1, 1, 0.5, 0.5]);
  t.same(rows.at(-1)?.category, 'any');
  t.equal(falsePositiveRate([outcome([], ['contact']), outcome([], [])]), 0.5);
});

t.test('the shipped cases load; a bad line is named', async (t) => {
  const cases = loadCases();
  t.ok(cases.length >= 250);
  t.ok(cases.filter((c) => c.labels.length === 0).length >= 100, 'plenty of benign lines');
  const withPrior = cases.find((c) => c.prior);
  t.ok(withPrior && requestFor(withPrior).priorSignals.length > 0);
  const dir = mkdtempSync(join(tmpdir(), 'trellis-eval-'));
  writeFileSync(join(dir, 'bad.jsonl'), '{"text":"ok","sender":"student","labels":[]}\n{"text":"x","sender":"parent","labels":[]}\n');
  t.throws(() => loadCases(join(dir, 'bad.jsonl')), /bad\.jsonl:2: "sender" must be one of/);
});
