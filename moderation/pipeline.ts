/**
 * The moderation runner: normalises a text once, runs the stages in order (timing each and
 * enforcing its budget), merges their findings, applies the program's policy and answers with a
 * `ScreeningResult`. It fails closed: a stage that throws, returns garbage or exceeds its budget
 * makes the message `hold` with `failure` set and an alert; `screen` never throws.
 *
 * Synchronous stages run synchronously: the only promise on the hot path is the one `screen`
 * returns. A stage returning a promise is raced against its budget.
 */
import { performance } from 'node:perf_hooks';
import { decide } from './decide.ts';
import { maxSeverity } from './direction.ts';
import { normalise } from './normalise.ts';
import { PhraseBook } from './phrase-book.ts';
import type { ProgramPolicy } from './policy.ts';
import type { Stage, StageContext, StageOutput } from './stage.ts';
import { createContactStage } from './stages/contact.ts';
import { createLexicalStage } from './stages/lexical.ts';
import { createRiskStage, type RiskOptions } from './stages/risk.ts';
import { createSafeguardingStage } from './stages/safeguarding.ts';
import { ACTIONS, type Finding, type ScreeningRequest, type ScreeningResult, type StageTiming } from './types.ts';

/** Options of the rule screener. */
export interface RuleScreenerOptions {
  /** The policy of a program (called once per message; cache it on your side). */
  policyFor(programId: string): ProgramPolicy;
  /** Stages run after the rule stages and before the conversation risk, e.g. a classifier. */
  extraStages?: Stage[];
  /** Replaces the rule stages (lexical, contact, safeguarding); `[]` leaves only the extra stages. */
  stages?: Stage[];
  /** Folder of the phrase lists for the rule stages (default: `moderation/lists/`). */
  listDir?: string;
  /** Tuning of the conversation risk stage, or `false` to leave it out. */
  risk?: RiskOptions | false;
  /** Clock in milliseconds used for timings and budgets (default `performance.now`). */
  now?: () => number;
}

/** A screener built from stages; `screenNow` avoids the promise when every stage is synchronous. */
export interface RuleScreener {
  readonly stages: readonly Stage[];
  screen(request: ScreeningRequest): Promise<ScreeningResult>;
  /** Like `screen`, but returns the result directly when no stage is asynchronous. Never throws. */
  screenNow(request: ScreeningRequest): ScreeningResult | Promise<ScreeningResult>;
  /** Closes every stage (extra stages included). Safe to call twice. */
  close(): Promise<void>;
}

type Outcome = { output: StageOutput } | { error: string; outcome: 'error' | 'timeout' };

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

const isPromise = (value: unknown): value is Promise<StageOutput> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Races an asynchronous stage against its budget. */
function withinBudget(pending: Promise<StageOutput>, budgetMs: number): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ error: `exceeded its budget of ${budgetMs} ms`, outcome: 'timeout' }), budgetMs);
  });
  const settled = pending.then(
    (output): Outcome => ({ output }),
    (error: unknown): Outcome => ({ error: reasonOf(error), outcome: 'error' }),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

/** One message's screening in progress. */
class Screening {
  readonly findings: Finding[] = [];
  readonly timings: StageTiming[] = [];
  scores: Record<string, number> | undefined;
  conversationRisk = 0;
  failure: { stage: string; reason: string } | undefined;

  /** `stageVersions` is the screener's (every stage runs for every message). */
  constructor(readonly stageVersions: Readonly<Record<string, string>> = {}) {}

  /** Records a stage that answered; a malformed or late answer counts as a failure (a late one keeps its findings). */
  answered(stage: Stage, output: StageOutput, ms: number): void {
    if (!Array.isArray(output?.findings)) return this.failed(stage, 'error', 'returned no findings array', ms);
    const found = output.findings;
    for (let i = 0; i < found.length; i++) this.findings.push(found[i] as Finding);
    if (output.scores) this.scores = { ...this.scores, ...output.scores };
    if (typeof output.conversationRisk === 'number') this.conversationRisk = output.conversationRisk;
    if (ms > stage.budgetMs) return this.failed(stage, 'timeout', `took ${ms.toFixed(1)} ms, over its budget of ${stage.budgetMs} ms`, ms);
    this.timings.push({ stage: stage.name, version: stage.version, ms, outcome: 'ok' });
  }

  /** Records a stage that threw, rejected or ran out of time. */
  failed(stage: Stage, outcome: 'error' | 'timeout', error: string, ms: number): void {
    this.timings.push({ stage: stage.name, version: stage.version, ms, outcome, error });
    this.failure ??= { stage: stage.name, reason: error };
  }

  /** Records the outcome of an asynchronous stage. */
  settled(stage: Stage, outcome: Outcome, ms: number): void {
    if ('output' in outcome) this.answered(stage, outcome.output, ms);
    else this.failed(stage, outcome.outcome, outcome.error, ms);
  }
}

/** Texts that exercise every rule stage once, so that the first real message is not the one paying for lazy compilation. */
const WARM_UP_TEXTS = ['Hey! Add me on snap maya_k22 or call 555 013 4567, jane at gmail dot com, see example.com', "don't tell your parents, f.u.c.k"];

/** Runs synchronous stages over the warm-up texts, ignoring their output. */
function warmUp(stages: readonly Stage[]): void {
  for (const text of WARM_UP_TEXTS) {
    const request: ScreeningRequest = {
      kind: 'message', text, programId: '', conversationId: '', senderId: '', senderRole: 'mentor',
      recipientRoles: ['student'], priorSignals: [], at: new Date(0),
    };
    const context: StageContext = { request, normalised: normalise(text), findings: [] };
    for (const stage of stages) stage.screen(context);
  }
}

/** The result of a screening that could not start (bad policy, normalisation failure). */
function failedResult(stage: string, error: unknown, screening = new Screening()): ScreeningResult {
  const reason = reasonOf(error);
  return {
    action: 'hold', severity: 'high', categories: [], spans: [], findings: screening.findings,
    stageVersions: { ...screening.stageVersions }, timings: screening.timings, conversationRisk: screening.conversationRisk,
    alert: { severity: 'high', reason: `screening failed at ${stage}: ${reason}` }, failure: { stage, reason },
  };
}

/** Builds the screening result from the policy's decision. */
function finish(policy: ProgramPolicy, request: ScreeningRequest, screening: Screening): ScreeningResult {
  const decision = decide(policy, request, screening.findings);
  const result: ScreeningResult = {
    action: decision.action, severity: decision.severity, categories: decision.categories, spans: decision.spans,
    findings: decision.findings, stageVersions: { ...screening.stageVersions }, timings: screening.timings,
    conversationRisk: screening.conversationRisk, alert: decision.alert,
  };
  if (screening.scores) result.scores = screening.scores;
  const failure = screening.failure;
  if (failure) {
    // NOTE: fail closed: whatever the findings say, a failed screening holds the message.
    result.failure = failure;
    if (ACTIONS.indexOf(result.action) < ACTIONS.indexOf('hold')) result.action = 'hold';
    result.severity = maxSeverity(result.severity, 'high');
    if (!result.alert || result.alert.severity !== 'critical') {
      result.alert = { severity: 'high', reason: `screening failed at ${failure.stage}: ${failure.reason}` };
    }
  }
  return result;
}

/**
 * Creates the rule-based screener: lexical, contact and safeguarding stages, then `extraStages`,
 * then the conversation risk stage. Reads and validates the phrase lists now (throws on a bad list).
 */
export function createRuleScreener(options: RuleScreenerOptions): RuleScreener {
  // NOTE: `performance` is imported: the global one is a lazy getter, read at every clock reading.
  const { policyFor, now = () => performance.now() } = options;
  // NOTE: the rule stages share one phrase book: their phrases are matched in one scan per message.
  const listOptions = { ...(options.listDir ? { listDir: options.listDir } : {}), phrases: new PhraseBook() };
  const ruleStages = options.stages ?? [createLexicalStage(listOptions), createContactStage(listOptions), createSafeguardingStage(listOptions)];
  const riskStages = options.risk === false ? [] : [createRiskStage(options.risk)];
  if (!options.stages) warmUp([...ruleStages, ...riskStages]);
  const stages = [...ruleStages, ...(options.extraStages ?? []), ...riskStages];
  const versions = Object.fromEntries(stages.map((stage) => [stage.name, stage.version]));
  let closing: Promise<void> | undefined;

  /** Runs the stages from `index` on; synchronous until a stage returns a promise. */
  function runFrom(index: number, context: StageContext, policy: ProgramPolicy, screening: Screening): ScreeningResult | Promise<ScreeningResult> {
    // NOTE: one clock reading per stage: a stage's end is the next stage's start (the runner's
    // bookkeeping in between is counted to the next stage).
    let started = now();
    for (let i = index; i < stages.length; i++) {
      const stage = stages[i] as Stage;
      context.findings = screening.findings.length === 0 ? NO_FINDINGS : screening.findings.slice();
      let output: StageOutput | Promise<StageOutput>;
      try {
        output = stage.screen(context);
      } catch (error) {
        const ended = now();
        screening.failed(stage, 'error', reasonOf(error), ended - started);
        started = ended;
        continue;
      }
      if (isPromise(output)) {
        const since = started;
        return withinBudget(output, stage.budgetMs).then((outcome) => {
          screening.settled(stage, outcome, now() - since);
          return runFrom(i + 1, context, policy, screening);
        });
      }
      const ended = now();
      screening.answered(stage, output, ended - started);
      started = ended;
    }
    return finish(policy, context.request, screening);
  }

  function screenNow(request: ScreeningRequest): ScreeningResult | Promise<ScreeningResult> {
    const screening = new Screening(versions);
    try {
      const policy = policyFor(request.programId);
      const context: StageContext = { request, normalised: normalise(request.text), modelThresholds: policy.modelThresholds };
      const result = runFrom(0, context, policy, screening);
      // NOTE: `runFrom` answers a result or a native promise (a stage's thenable is awaited inside it).
      return result instanceof Promise ? result.catch((error: unknown) => failedResult('pipeline', error, screening)) : result;
    } catch (error) {
      return failedResult('pipeline', error, screening);
    }
  }

  return {
    stages,
    screenNow,
    screen: (request) => Promise.resolve(screenNow(request)),
    close() {
      closing ??= Promise.allSettled(stages.map((stage) => stage.close?.())).then(() => undefined);
      return closing;
    },
  };
}
