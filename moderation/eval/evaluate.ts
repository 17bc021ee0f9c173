/**
 * Evaluation of a screener on labeled chat lines: precision and recall per category. A library
 * so that other screeners (a model alone, rules with a model) can be compared on the same cases;
 * `run.ts` is the command line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../direction.ts';
import { SEVERITIES, type PriorSignal, type Role, type ScreeningRequest, type ScreeningResult, type Screener, type Severity } from '../types.ts';

/** The labeled cases shipped with Trellis, written alongside the phrase lists. */
export const DEFAULT_CASES = fileURLToPath(new URL('./cases.jsonl', import.meta.url));
/** Paraphrased cases written after the lists, which were not tuned to them: closer to field accuracy. */
export const PARAPHRASE_CASES = fileURLToPath(new URL('./paraphrases.jsonl', import.meta.url));
/** Held-out cases written before the rules were generalised and never tuned on: report, do not tune. */
export const HOLDOUT_CASES = fileURLToPath(new URL('./holdout.jsonl', import.meta.url));

/** One labeled line: who wrote it, the categories it should raise (none for a benign line). */
export interface EvalCase {
  text: string;
  sender: Role;
  labels: string[];
  /** Earlier signals of the conversation, for conversation-level risk. */
  prior?: Array<{ hoursAgo: number; senderRole: Role; categories: string[]; severity: Severity }>;
}

/** Reads and checks a JSONL file of cases; a bad line throws naming the file and line. */
export function loadCases(path = DEFAULT_CASES): EvalCase[] {
  return readFileSync(path, 'utf8').split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    const fail = (problem: string): never => {
      throw new Error(`${path}:${index + 1}: ${problem}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      fail('not JSON');
    }
    const c = value as Partial<EvalCase>;
    if (typeof c.text !== 'string' || c.text === '') fail('"text" must be a non-empty string');
    if (!ROLES.includes(c.sender as Role)) fail(`"sender" must be one of ${ROLES.join(', ')}`);
    if (!Array.isArray(c.labels) || !c.labels.every((l) => typeof l === 'string')) fail('"labels" must be an array of strings');
    for (const p of c.prior ?? []) {
      if (typeof p.hoursAgo !== 'number' || !ROLES.includes(p.senderRole) || !SEVERITIES.includes(p.severity) || !Array.isArray(p.categories)) fail('bad "prior" entry');
    }
    return [c as EvalCase];
  });
}

const AT = new Date('2026-11-24T12:00:00Z');

/** The screening request of a case: to a student from an adult, to a mentor from a student. */
export function requestFor(c: EvalCase): ScreeningRequest {
  const priorSignals: PriorSignal[] = (c.prior ?? []).map((p) => ({
    at: new Date(AT.getTime() - p.hoursAgo * 3_600_000), senderRole: p.senderRole, categories: p.categories, severity: p.severity,
  }));
  return {
    kind: 'message', text: c.text, programId: 'eval', conversationId: 'eval', senderId: 'eval', senderRole: c.sender,
    recipientRoles: [c.sender === 'student' ? 'mentor' : 'student'], priorSignals, at: AT,
  };
}

/** What a screener made of a case. */
export interface CaseOutcome {
  case: EvalCase;
  /** Categories the screener raised, after `mapCategory`. */
  predicted: string[];
  result: ScreeningResult;
}

/** Screens every case. `mapCategory` renames (or drops, with `undefined`) raised categories, e.g. model labels. */
export async function runCases(screener: Screener, cases: readonly EvalCase[], mapCategory: (category: string) => string | undefined = (c) => c): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const result = await screener.screen(requestFor(c));
    const predicted = [...new Set(result.categories.map(mapCategory).filter((x): x is string => x !== undefined))].sort();
    outcomes.push({ case: c, predicted, result });
  }
  return outcomes;
}

/** Counts and rates of one category (or `any`: a message raising anything vs labeled with anything). */
export interface CategoryScore {
  category: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

const rates = (category: string, tp: number, fp: number, fn: number): CategoryScore => ({
  category, truePositives: tp, falsePositives: fp, falseNegatives: fn,
  precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn),
});

/** Precision and recall per category seen in labels or predictions, then the `any` row. */
export function scoreByCategory(outcomes: readonly CaseOutcome[]): CategoryScore[] {
  const categories = [...new Set(outcomes.flatMap((o) => [...o.case.labels, ...o.predicted]))].sort();
  const rows = categories.map((category) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const o of outcomes) {
      const expected = o.case.labels.includes(category);
      const raised = o.predicted.includes(category);
      if (expected && raised) tp++;
      else if (raised) fp++;
      else if (expected) fn++;
    }
    return rates(category, tp, fp, fn);
  });
  const tp = outcomes.filter((o) => o.case.labels.length > 0 && o.predicted.length > 0).length;
  const fp = outcomes.filter((o) => o.case.labels.length === 0 && o.predicted.length > 0).length;
  const fn = outcomes.filter((o) => o.case.labels.length > 0 && o.predicted.length === 0).length;
  return [...rows, rates('any', tp, fp, fn)];
}

/** The share of benign cases that raised anything. */
export function falsePositiveRate(outcomes: readonly CaseOutcome[]): number {
  const benign = outcomes.filter((o) => o.case.labels.length === 0);
  return benign.length === 0 ? 0 : benign.filter((o) => o.predicted.length > 0).length / benign.length;
}

/** A Markdown table of category scores. */
export function formatScores(rows: readonly CategoryScore[]): string {
  const table = [
    ['category', 'TP', 'FP', 'FN', 'precision', 'recall'],
    ...rows.map((r) => [r.category, String(r.truePositives), String(r.falsePositives), String(r.falseNegatives), r.precision.toFixed(2), r.recall.toFixed(2)]),
  ];
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((row) => (row[c] as string).length)));
  const line = (row: readonly string[]): string => `| ${row.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')} |`;
  return [line(table[0] as string[]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n');
}
