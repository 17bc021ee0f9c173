/**
 * `npm run loadtest [-- --only http,ws,idle,fault] [--idle-sockets 10000] [--profile]`
 *
 * Runs the Trellis load tests on this machine against baselines measured in the same run, prints a
 * table, writes `results/<time>.json` and `results/<time>.svg` (and `latest.*`), updates the figures
 * in README.md, and exits non-zero when a target is missed (1) or a stage fails (2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderChart } from './lib/chart.ts';
import { startCluster, startEmbedded, stopEnv, type ClusterEnv, type EmbeddedEnv } from './lib/environments.ts';
import { startBaseline } from './lib/node-process.ts';
import { Progress } from './lib/progress.ts';
import { printTable, updateReadme, type Report, type Target } from './lib/report.ts';
import { runFault, type FaultResult } from './stages/fault.ts';
import * as http from './stages/http.ts';
import { runIdle, type IdleResult } from './stages/idle.ts';
import * as ws from './stages/ws.ts';

const STAGES = ['http', 'ws', 'idle', 'fault'] as const;
type Stage = (typeof STAGES)[number];
const RESULTS = resolve(import.meta.dirname, 'results');

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    'idle-sockets': { type: 'string', default: '10000' },
    profile: { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
  },
});
const selected = new Set<Stage>(
  (args.only?.flatMap((s) => s.split(',')) ?? [...STAGES]).map((name) => {
    if (!STAGES.includes(name as Stage)) throw new Error(`unknown stage ${name}; stages: ${STAGES.join(', ')}`);
    return name as Stage;
  }),
);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = join(RESULTS, 'tmp', `profiles-${stamp}`);
const nodeFlags = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

const progress = new Progress();
const report: Report = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100), node: process.version },
  stages: [...selected],
  http: [],
  ws: [],
  idle: null,
  fault: null,
  targets: [],
  failures: [],
};

let embedded: EmbeddedEnv | null = null;
let cluster: ClusterEnv | null = null;
const needEmbedded = async () => (embedded ??= await startEmbedded(progress, nodeFlags));
const needCluster = async () => (cluster ??= await startCluster(progress, nodeFlags));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress.log(`${signal}: stopping servers`);
    void Promise.allSettled([stopEnv(embedded), stopEnv(cluster)]).then(() => process.exit(130));
  });
}

async function stage(name: Stage, title: string, work: () => Promise<void>): Promise<void> {
  if (!selected.has(name)) return;
  progress.stage(title);
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    report.failures.push({ stage: name, error: message });
    progress.log(`✗ ${name} failed: ${message}`);
  }
}

function target(name: string, value: number | boolean, wanted: string, pass: boolean): void {
  report.targets.push({ name, value, wanted, pass } satisfies Target);
}

try {
  await stage('http', 'HTTP scenarios (autocannon) against the bare Fastify route', async () => {
    const baseline = await startBaseline('http-baseline', 'http-route.ts');
    try {
      const bare = await http.runBaseline(baseline, progress);
      const env = await needEmbedded();
      const results = await http.runScenarios(env.node, env.fixture, 'embedded', progress);
      const onCluster = await http.runScenarios((await needCluster()).nodes[0], (await needCluster()).fixture, 'postgres', progress, ['history page', 'mentor search']);
      report.http = http.withRatios([bare, ...results, ...onCluster], bare);
    } finally {
      await baseline.stop();
    }
    for (const result of report.http.filter((r) => r.scenario === 'history page')) {
      target(`HTTP history page (${result.target}) / bare route`, result.ratioToBaseline ?? 0, '≥ 0.3', (result.ratioToBaseline ?? 0) >= 0.3);
    }
  });

  await stage('ws', 'WebSocket throughput and latency against the bare ws relay', async () => {
    const relayProcess = await startBaseline('ws-relay', 'ws-relay.ts');
    const series: ws.WsSeries[] = [];
    try {
      const env = await needEmbedded();
      series.push(await ws.runSeries('bare ws relay', ws.relaySpecs(env.fixture, relayProcess), ws.processGroups([relayProcess]), progress));
    } finally {
      await relayProcess.stop();
    }
    const env = await needEmbedded();
    series.push(await ws.runSeries('1 node, embedded', ws.trellisSpecs(env.fixture, [env.node]), ws.processGroups([env.node]), progress));
    const pg = await needCluster();
    series.push(await ws.runSeries('1 node, PG + Redis', ws.trellisSpecs(pg.fixture, [pg.nodes[0]]), ws.processGroups([pg.nodes[0]], pg), progress));
    series.push(await ws.runSeries('2 nodes, PG + Redis', ws.trellisSpecs(pg.fixture, pg.nodes), ws.processGroups(pg.nodes, pg), progress));
    report.ws = ws.withRatios(series, series[0]!);
    for (const s of report.ws.slice(1)) {
      target(`WS throughput, ${s.name} / bare relay (p99 < ${ws.P99_BOUND_MS} ms)`, s.ratioToRelay ?? 0, '≥ 0.5', (s.ratioToRelay ?? 0) >= 0.5);
    }
  });

  await stage('idle', 'Idle authenticated sockets on one node (PostgreSQL + Redis)', async () => {
    // NOTE: on PostgreSQL, not the embedded database: PGlite's heap grows with queries and would be
    // counted as socket memory, and its single thread makes 10,000 upgrades take minutes.
    // A node of its own, started for this stage: a node that has carried the message load has a
    // grown heap that shrinks meanwhile, which would hide what the sockets cost.
    const env = await needCluster();
    const count = Number(args['idle-sockets']);
    progress.update('starting a fresh node');
    const node = await env.startNode('idle');
    const idle: IdleResult = await runIdle(node, env.fixture, count, progress).finally(() => node.stop());
    report.idle = idle;
    target(`${count} idle sockets open and counted`, idle.reportedConnections, `= ${count}`, idle.opened === count && idle.reportedConnections === count);
    target('RSS per idle socket (KB)', idle.kbPerSocket, '< 30', idle.kbPerSocket < 30);
  });

  await stage('fault', 'Faults under load: kill -9 a node, restart Redis, restart PostgreSQL', async () => {
    const fault: FaultResult = await runFault(await needCluster(), progress);
    report.fault = fault;
    for (const scenario of fault.scenarios) target(`fault: ${scenario.name}`, scenario.pass, 'no acknowledged message lost or duplicated', scenario.pass);
  });
} finally {
  progress.update('stopping servers');
  await Promise.allSettled([stopEnv(embedded), stopEnv(cluster)]);
  progress.done();
}

report.finishedAt = new Date().toISOString();
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
if (report.ws.length > 0) {
  const svg = renderChart(report.ws, `${report.startedAt} · ${report.machine.cpus} × ${report.machine.model} · load ${report.machine.loadAverageAtStart.join(' ')}`);
  writeFileSync(join(RESULTS, `${stamp}.svg`), svg);
  writeFileSync(join(RESULTS, 'latest.svg'), svg);
}
printTable(report);
if (!args['no-readme']) updateReadme(resolve(import.meta.dirname, 'README.md'), report, stamp);
console.log(`\nresults: load-tests/results/${stamp}.json${report.ws.length ? ` and .svg` : ''}${args.profile ? `; CPU profiles: ${profileDir}` : ''}`);
process.exit(report.failures.length > 0 ? 2 : report.targets.every((t) => t.pass) ? 0 : 1);
