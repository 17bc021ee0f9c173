/**
 * `npm run eval:moderation`: precision and recall per category of the rule screener on the
 * labeled cases: `cases.jsonl` (written alongside the phrase lists: a regression check) and
 * `paraphrases.jsonl` (written after them, lists not tuned to it) and `holdout.jsonl` (written
 * before the rules were generalised, never tuned on).
 *
 * Options (after `--`):
 * - `--cases <file>`: only this JSONL file of cases.
 * - `--extra-stage <module>`: a module whose default export (or `createStage`) builds a `Stage`
 *   (e.g. a classifier); then three tables are printed: rules alone, the stage alone, both.
 * - `--errors`: list the cases each screener got wrong.
 */
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRuleScreener, type RuleScreenerOptions } from '../pipeline.ts';
import { defaultPolicy } from '../policy.ts';
import type { Stage } from '../stage.ts';
import { DEFAULT_CASES, HOLDOUT_CASES, PARAPHRASE_CASES, falsePositiveRate, formatScores, loadCases, runCases, scoreByCategory, type CaseOutcome } from './evaluate.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { cases: { type: 'string' }, 'extra-stage': { type: 'string' }, errors: { type: 'boolean', default: false } },
});

/** Loads a stage factory module (`default` or `createStage` export). */
async function loadStage(modulePath: string): Promise<Stage> {
  const module = (await import(pathToFileURL(resolve(modulePath)).href)) as { default?: () => Stage | Promise<Stage>; createStage?: () => Stage | Promise<Stage> };
  const factory = module.default ?? module.createStage;
  if (!factory) throw new Error(`${modulePath} exports neither a default nor a createStage factory`);
  return factory();
}

/** The cases a screener got wrong, one per line. */
function errors(outcomes: readonly CaseOutcome[]): string {
  return outcomes
    .filter((o) => o.predicted.join() !== [...o.case.labels].sort().join())
    .map((o) => `  expected [${o.case.labels.join(', ')}] got [${o.predicted.join(', ')}] (${o.case.sender}): ${o.case.text}`)
    .join('\n');
}

const files = values.cases ? [values.cases] : [DEFAULT_CASES, PARAPHRASE_CASES, HOLDOUT_CASES];
const extra = values['extra-stage'] ? await loadStage(values['extra-stage']) : undefined;
const setups: Array<[string, Partial<RuleScreenerOptions>]> = extra
  ? [['rules alone', {}], [`${extra.name} alone`, { stages: [], extraStages: [extra] }], [`rules + ${extra.name}`, { extraStages: [extra] }]]
  : [['rules', {}]];

for (const file of files) {
  const cases = loadCases(file);
  console.log(`# ${basename(file)}: ${cases.length} cases, ${cases.filter((c) => c.labels.length === 0).length} benign`);
  if (file === DEFAULT_CASES) console.log('NOTE: written alongside the phrase lists: read these figures as a regression check, not as field accuracy.');
  console.log('');
  for (const [title, options] of setups) {
    const screener = createRuleScreener({ policyFor: () => defaultPolicy, ...options });
    const outcomes = await runCases(screener, cases);
    console.log(`## ${title} (false-positive rate on benign lines: ${(falsePositiveRate(outcomes) * 100).toFixed(1)}%)\n`);
    console.log(formatScores(scoreByCategory(outcomes)));
    if (values.errors) console.log(`\nwrong:\n${errors(outcomes)}`);
    console.log('');
  }
}
await extra?.close?.();
