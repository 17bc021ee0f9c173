/** The run's report: its JSON shape, the console table, and the figures section of the README. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FaultResult } from '../stages/fault.ts';
import type { HttpResult } from '../stages/http.ts';
import type { IdleResult } from '../stages/idle.ts';
import { CPU_GROUPS, P99_BOUND_MS, type WsSeries } from '../stages/ws.ts';
import { eventLoopsOf, HARNESS, MACHINE } from './cpu.ts';
import { round } from './stats.ts';
import { sustained } from './ws-harness.ts';

/** One target and whether it was met. */
export interface Target {
  name: string;
  value: number | boolean;
  wanted: string;
  pass: boolean;
}

/** Everything a run measured (written as JSON). */
export interface Report {
  startedAt: string;
  finishedAt?: string;
  machine: { cpus: number; model: string; loadAverageAtStart: number[]; node: string };
  stages: string[];
  http: HttpResult[];
  ws: WsSeries[];
  idle: IdleResult | null;
  fault: FaultResult | null;
  targets: Target[];
  failures: { stage: string; error: string }[];
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The figures as Markdown tables. */
export function markdown(report: Report, stamp: string): string {
  const parts = [
    `Run of ${report.startedAt} on ${report.machine.cpus} × ${report.machine.model} (Node ${report.machine.node}, load average at start ${report.machine.loadAverageAtStart.join(' ')}); stages: ${report.stages.join(', ')}. Raw figures: \`results/${stamp}.json\`.`,
  ];
  if (report.ws.length) {
    parts.push(
      `![throughput and latency against offered load](results/${stamp}.svg)`,
      table(
        ['WebSocket series', 'capacity (highest offered msg/s carried, p99 < 50 ms)', 'ratio to bare relay', 'delivered msg/s at capacity', 'p99 e2e at capacity (ms)', 'p99 ack at capacity (ms)', 'burst of 8 sends from one socket: last answer p50 / max (ms)', 'steps that did not keep up'],
        report.ws.map((s) => {
          const best = capacityStep(s);
          const missed = s.steps.filter((step) => !sustained(step, P99_BOUND_MS));
          const fellBehind = missed.map((step) => `${step.offered} offered → ${step.throughput} msg/s, p99 ${step.endToEnd.p99} ms`).join('; ') || '—';
          const burst = `${s.bursts.lastAnswer.p50} / ${s.bursts.lastAnswer.max}`;
          return [s.name, s.capacity, s.ratioToRelay ?? 1, best?.throughput ?? '—', best?.endToEnd.p99 ?? '—', best?.ack.p99 ?? '—', burst, fellBehind];
        }),
      ),
    );
  }
  if (report.ws.length) parts.push(cpuTable(report.ws));
  if (report.http.length) {
    parts.push(
      table(
        ['HTTP scenario', 'target', 'req/s', 'p50 (ms)', 'p99 (ms)', 'ratio to bare route', 'non-2xx'],
        report.http.map((r) => [r.scenario, r.target, r.skipped ? `skipped: ${r.skipped}` : r.requestsPerSecond, r.latencyP50, r.latencyP99, r.ratioToBaseline ?? '—', r.non2xx]),
      ),
    );
  }
  if (report.idle) {
    const i = report.idle;
    parts.push(
      table(
        ['idle sockets', 'opened', 'counted by the node', 'connect time (s)', 'RSS before → after (MB)', 'KB per socket'],
        [[i.sockets, i.opened, i.reportedConnections, i.connectSeconds, `${i.rssBeforeMb} → ${i.rssAfterMb}`, i.kbPerSocket]],
      ),
    );
  }
  if (report.fault) {
    parts.push(
      table(
        ['fault scenario', 'sent', 'acknowledged', 'held for review', 'refused (codes)', 'unanswered', 'acked missing in DB', 'acked missing at a recipient', 'duplicates', 'pass'],
        report.fault.scenarios.map((s) => [s.name, s.sent, s.acked, s.heldForReview, JSON.stringify(s.refused), s.unanswered, s.ackedNotStored, s.ackedNotReceived, s.duplicates, s.pass ? 'yes' : 'NO']),
      ),
    );
  }
  parts.push(table(['target', 'measured', 'wanted', 'met'], report.targets.map((t) => [t.name, String(t.value), t.wanted, t.pass ? 'yes' : '**NO**'])));
  if (report.failures.length) parts.push(`Stages that failed: ${report.failures.map((f) => f.stage).join(', ')} (see the JSON).`);
  return parts.join('\n\n');
}

/** The step a series' capacity was measured at; undefined when no step kept up. */
function capacityStep(series: WsSeries): WsSeries['steps'][number] | undefined {
  return series.capacity > 0 ? series.steps.find((step) => step.offered === series.capacity) : undefined;
}

/**
 * CPU time per message at each series' capacity: where a message's cost goes, and the rate one core
 * of this machine carries, which is what carries over to a machine with more cores.
 */
function cpuTable(series: WsSeries[]): string {
  const groups = Object.values(CPU_GROUPS);
  const rows = series.map((s) => {
    const cpu = capacityStep(s)?.cpuMsPerMessage;
    if (!cpu) return [s.name, ...groups.map(() => '—'), '—', '—', '—', '—', '—'];
    const underTest = groups.reduce((sum, group) => sum + (cpu[group] ?? 0), 0);
    const [server, ...stores] = groups.map((group) => cpu[group] ?? '—');
    return [s.name, server!, cpu[eventLoopsOf(CPU_GROUPS.server)] ?? '—', ...stores, round(underTest), cpu[HARNESS] ?? '—', cpu[MACHINE] ?? '—', underTest > 0 ? Math.round(1000 / underTest) : '—'];
  });
  return table(
    ['CPU ms per message at capacity', 'relay or node(s), every thread', 'of which event loop(s)', ...groups.slice(1), 'systems under test', 'harness', 'whole machine', 'msg/s per core of the systems under test'],
    rows,
  );
}

/** Prints the targets to the console. */
export function printTable(report: Report): void {
  console.log('\nTargets');
  console.table(report.targets.map((t) => ({ target: t.name, measured: t.value, wanted: t.wanted, met: t.pass ? 'yes' : 'NO' })));
  for (const failure of report.failures) console.log(`stage ${failure.stage} failed: ${failure.error.split('\n')[0]}`);
}

/** Replaces the figures between the README's result markers (a partial run leaves them alone). */
export function updateReadme(path: string, report: Report, stamp: string): void {
  if (!existsSync(path) || report.stages.length < 4) return;
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return;
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${markdown(report, stamp)}\n${text.slice(end)}`);
}
