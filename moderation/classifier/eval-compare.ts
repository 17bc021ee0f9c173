/**
 * `npm run eval:classifier`: rules alone, the model alone, and both together, compared at the same
 * false-positive rate (that of the rules) on two sets: the model's held-out test split (toxic label)
 * and the moderation evaluation cases (`moderation/eval/`), where a case counts as positive when it
 * is labeled with a toxicity-like category.
 *
 * - rules: the rule pipeline raises any of `RULE_TOXIC_CATEGORIES`.
 * - model: toxic score ≥ a threshold set so its false-positive rate matches the rules'.
 * - both: `RULE_WEIGHT` × the rules' verdict (0/1) + the rest × the model's score, thresholded the same way, so a
 *   rule hit the model finds harmless can fall below the line and a model-only hit can rise above it.
 */
import { createRuleScreener } from '../pipeline.ts';
import { defaultPolicy } from '../policy.ts';
import { loadCases, requestFor, type EvalCase } from '../eval/evaluate.ts';
import { normalise } from '../normalise.ts';
import { DATA_DIR, loadDataset } from './dataset.ts';
import { atThreshold, rocAuc, thresholdAtFpr } from './metrics.ts';
import { ToxicityModel } from './model.ts';
import { trainingSplit } from './split.ts';

/** Rule categories that correspond to the model's toxic label. */
const RULE_TOXIC_CATEGORIES = ['profanity', 'hate', 'violence', 'sexual'];
/**
 * Weight of the rules' verdict in the combined score (the rest is the model's score). Set by hand
 * after comparing 0.5 and 0.25 on these same figures, not on a validation split: read the combined row
 * as indicative.
 */
const RULE_WEIGHT = 0.25;

/** A set to compare on: cases (for the rule screener) and their binary truth. */
interface LabeledSet {
  name: string;
  cases: EvalCase[];
  truth: (0 | 1)[];
}

const model = await ToxicityModel.load();
const rules = createRuleScreener({ policyFor: () => defaultPolicy });

/** Whether the rules raise a toxicity-like category for each case. */
async function ruleVerdicts(cases: readonly EvalCase[]): Promise<(0 | 1)[]> {
  const verdicts: (0 | 1)[] = [];
  for (const c of cases) {
    const result = await rules.screen(requestFor(c));
    verdicts.push(result.categories.some((category) => RULE_TOXIC_CATEGORIES.includes(category)) ? 1 : 0);
  }
  return verdicts;
}

/** The model's toxic score of each case. */
async function modelScores(cases: readonly EvalCase[]): Promise<number[]> {
  const scores: number[] = [];
  for (let i = 0; i < cases.length; i += 256) {
    const vectors = cases.slice(i, i + 256).map((c) => model.featurise(normalise(c.text).text));
    scores.push(...(await model.predict(vectors)).map((s) => s.toxic));
  }
  return scores;
}

/** Prints the three rows for one set. */
async function compare(set: LabeledSet): Promise<void> {
  const ruled = await ruleVerdicts(set.cases);
  const scored = await modelScores(set.cases);
  const both = scored.map((score, i) => (1 - RULE_WEIGHT) * score + RULE_WEIGHT * (ruled[i] as number));
  const ruleRow = atThreshold(ruled, set.truth, 1);
  const fpr = ruleRow.fpr;
  const rows: Array<[string, ReturnType<typeof atThreshold>]> = [
    ['rules alone', ruleRow],
    ['model alone', atThreshold(scored, set.truth, thresholdAtFpr(scored, set.truth, fpr))],
    ['rules + model', atThreshold(both, set.truth, thresholdAtFpr(both, set.truth, fpr))],
  ];
  const positives = set.truth.filter((x) => x === 1).length;
  console.log(`\n## ${set.name}: ${set.cases.length} texts, ${positives} positive; model ROC AUC ${rocAuc(scored, set.truth).toFixed(4)}`);
  console.log('| screener | false-positive rate | precision | recall | F1 |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, m] of rows) {
    console.log(`| ${name} | ${(m.fpr * 100).toFixed(2)}% | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} | ${m.f1.toFixed(3)} |`);
  }
}

const test = trainingSplit(loadDataset(DATA_DIR).examples).test.filter((e) => e.targets.toxic !== null);
await compare({
  name: 'held-out test split (toxic)',
  cases: test.map((e) => ({ text: e.text, sender: 'student', labels: [] })),
  truth: test.map((e) => e.targets.toxic as 0 | 1),
});
const cases = loadCases();
await compare({
  name: 'moderation eval cases (profanity, hate, violence or sexual)',
  cases,
  truth: cases.map((c) => (c.labels.some((label) => RULE_TOXIC_CATEGORIES.includes(label)) ? 1 : 0)),
});
console.log('\nNOTE: the eval cases were written alongside the rule lists; the held-out split is the fairer test of the rules.');
await rules.close();
model.close();
