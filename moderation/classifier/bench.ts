/**
 * Benchmark: an open-loop offered load (default 5,000 messages/s) through the full rule pipeline,
 * once with the toxicity model stage and once without. Arrivals are scheduled on a clock and sent
 * whether or not earlier messages completed; latency runs from each message's scheduled arrival,
 * so a stalled event loop counts against the pipeline that caused it.
 *
 * Exits non-zero unless the model stage's p99 added latency is under 5 ms at that load: both the
 * stage's own p99 time (from the runner's timings) and the end-to-end p99 difference with the
 * rules-only pipeline must be under the limit.
 *
 * Run: `npm run bench:classifier` (options after `--`: `--rate N`, `--seconds N`, `--batch N`, `--wait MS`;
 * batch and wait default to the stage's defaults, which the server uses too).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../bench/corpus.ts';
import { createRuleScreener } from '../pipeline.ts';
import { defaultPolicy } from '../policy.ts';
import type { ScreeningRequest, ScreeningResult } from '../types.ts';
import { CLASSIFIER_STAGE_NAME, ClassifierStage, DEFAULT_CLASSIFIER_OPTIONS } from './stage.ts';

const LIMIT_P99_MS = 5;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '6' },
    batch: { type: 'string', default: String(DEFAULT_CLASSIFIER_OPTIONS.maxBatchSize) },
    wait: { type: 'string', default: String(DEFAULT_CLASSIFIER_OPTIONS.maxWaitMs) },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);

/** What one open-loop run measured. */
interface Run {
  name: string;
  sent: number;
  completed: number;
  held: number;
  perSecond: number;
  /** Seconds of process CPU time the run used (a shared machine may give it far less than wall time). */
  cpuSeconds: number;
  latencies: number[];
  stageMs: number[];
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);

/** Sends `rate` messages a second (`total` in all), on a 1 ms tick that catches up on late arrivals. */
async function openLoop(
  name: string,
  screen: (r: ScreeningRequest) => Promise<ScreeningResult>,
  requests: ScreeningRequest[],
  total = Math.round(rate * seconds),
): Promise<Run> {
  const run: Run = { name, sent: 0, completed: 0, held: 0, perSecond: 0, cpuSeconds: 0, latencies: [], stageMs: [] };
  const cpu = process.cpuUsage();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; run.sent < due; run.sent++) {
        const scheduled = started + (run.sent * 1000) / rate;
        pending.push(
          screen(requests[run.sent % requests.length] as ScreeningRequest).then((result) => {
            run.completed++;
            run.latencies.push(performance.now() - scheduled);
            if (result.failure) run.held++;
            const timing = result.timings.find((x) => x.stage === CLASSIFIER_STAGE_NAME);
            if (timing) run.stageMs.push(timing.ms);
          }),
        );
      }
      if (run.sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  run.perSecond = run.completed / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  run.cpuSeconds = (used.user + used.system) / 1e6;
  run.latencies.sort((a, b) => a - b);
  run.stageMs.sort((a, b) => a - b);
  return run;
}

const at = new Date();
const requests: ScreeningRequest[] = generateCorpus(20_000).map(({ text }, i) => ({
  kind: 'message',
  text,
  programId: 'bench',
  conversationId: `c${i % 500}`,
  senderId: `u${i % 1000}`,
  senderRole: i % 2 === 0 ? 'student' : 'mentor',
  recipientRoles: [i % 2 === 0 ? 'mentor' : 'student'],
  priorSignals: [],
  at,
}));

const batchSizes: number[] = [];
const batchMs: number[] = [];
const stage = await ClassifierStage.create({
  maxBatchSize: Number(values.batch),
  maxWaitMs: Number(values.wait),
  onBatch: (size, ms) => {
    batchSizes.push(size);
    batchMs.push(ms);
  },
});
const rulesOnly = createRuleScreener({ policyFor: () => defaultPolicy });
const withModel = createRuleScreener({ policyFor: () => defaultPolicy, extraStages: [stage] });

// Warm-up (JIT, WASM kernels, allocator) at the offered rate, like the runs. NOTE: 3,000 messages at
// once instead kept them all alive across young collections, so V8 pretenured their allocation
// sites and both runs then promoted several times more to the old generation (more and longer pauses).
await openLoop('warm-up', (r) => withModel.screen(r), requests, 3000);
await openLoop('warm-up', (r) => rulesOnly.screen(r), requests, 3000);
batchSizes.length = 0;
batchMs.length = 0;

const runs = [await openLoop('rules only', (r) => rulesOnly.screen(r), requests), await openLoop('rules + model', (r) => withModel.screen(r), requests)];
const [base, model] = runs as [Run, Run];

console.log(`offered load ${rate} messages/s for ${seconds} s (open loop), model ${stage.version}, batch ≤ ${values.batch}, wait ≤ ${values.wait} ms`);
console.log(`machine load average (1 min): ${loadavg()[0]?.toFixed(1)}\n`);
console.log('| pipeline | sent | completed | held | throughput (msg/s) | CPU s | p50 ms | p99 ms | max ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs) {
  console.log(
    `| ${r.name} | ${r.sent} | ${r.completed} | ${r.held} | ${r.perSecond.toFixed(0)} | ${r.cpuSeconds.toFixed(1)} | ${percentile(r.latencies, 0.5).toFixed(2)} | ${percentile(r.latencies, 0.99).toFixed(2)} | ${(r.latencies.at(-1) ?? Number.NaN).toFixed(2)} |`,
  );
}
const sizes = [...batchSizes].sort((a, b) => a - b);
const stageP99 = percentile(model.stageMs, 0.99);
const addedP99 = percentile(model.latencies, 0.99) - percentile(base.latencies, 0.99);
console.log(`\nbatches: ${sizes.length}, size mean ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(1)}, p50 ${percentile(sizes, 0.5)}, p99 ${percentile(sizes, 0.99)}, max ${sizes.at(-1)}`);
const inference = [...batchMs].sort((a, b) => a - b);
console.log(`inference per batch: p50 ${percentile(inference, 0.5).toFixed(2)} ms, p99 ${percentile(inference, 0.99).toFixed(2)} ms`);
console.log(`model stage time (runner timings): p50 ${percentile(model.stageMs, 0.5).toFixed(2)} ms, p99 ${stageP99.toFixed(2)} ms`);
console.log(`end-to-end p99 added by the model: ${addedP99.toFixed(2)} ms`);
await withModel.close();
await rulesOnly.close();

const pass = stageP99 < LIMIT_P99_MS && addedP99 < LIMIT_P99_MS && model.held === 0;
console.log(pass ? `\nPASS: model p99 added latency under ${LIMIT_P99_MS} ms` : `\nFAIL: model p99 added latency not under ${LIMIT_P99_MS} ms (or messages held)`);
process.exitCode = pass ? 0 : 1;
