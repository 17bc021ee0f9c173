/**
 * WebSocket throughput and latency against offered load: the bare relay (baseline), one embedded
 * node, one node on PostgreSQL + Redis, and two nodes on PostgreSQL + Redis (sockets split between
 * them, so deliveries cross the bus). Each series climbs a ladder of offered rates until steps no
 * longer keep up.
 */
import { cpuPerMessage, readCpu, type CpuTimes, type ProcessGroup } from '../lib/cpu.ts';
import type { Fixture } from '../lib/fixtures.ts';
import type { ServerProcess } from '../lib/node-process.ts';
import type { Progress } from '../lib/progress.ts';
import { ratio } from '../lib/stats.ts';
import { closeSockets, openSockets, runBursts, runStep, sustained, type BurstResult, type SocketSpec, type StepResult } from '../lib/ws-harness.ts';

/** Offered rates in messages per second: 25 to 12,800, each step √2 times the one before. */
export const RATES = Array.from({ length: 19 }, (_, i) => Math.round(25 * Math.SQRT2 ** i));
/**
 * The ladder ends after this many steps in a row that did not keep up: a single one may be a stall
 * of the shared machine rather than the limit of the system.
 */
const MISSES_TO_STOP = 2;
/** The latency bound of the throughput target. */
export const P99_BOUND_MS = 50;
const STEP_MS = 3000;
const DRAIN_MS = 3000;
/**
 * The warm-up before the ladder, the same for every series: 2,000 messages, enough for V8 to compile
 * the send and delivery paths, so that the ladder measures steady state and not the compiler.
 */
const WARM_UP = [
  { rate: 100, ms: 4000 },
  { rate: 400, ms: 4000 },
];
/** After the warm-up, before the ladder: 20 bursts of 8 sends (within a user's burst allowance). */
const BURSTS = { bursts: 20, size: 8, gapMs: 200 };
/** Sockets per member: 6 conversations × 4 members × 4 = 96 sockets, 15 recipients per message. */
export const SOCKETS_PER_MEMBER = 4;

/** A step of the ladder with the CPU time its messages cost. */
export interface MeasuredStep extends StepResult {
  /**
   * CPU ms per message sent, from the step's first send to the end of its drain: by each group of
   * processes under test, the harness and the whole machine (see `lib/cpu.ts`).
   */
  cpuMsPerMessage: CpuTimes;
}

/** One measured series. */
export interface WsSeries {
  name: string;
  steps: MeasuredStep[];
  /**
   * Highest offered rate (messages/s) of a step that kept up: every message delivered to every
   * recipient, p99 under the bound. A step's delivered throughput is no measure of it: its window
   * runs to the step's last delivery, so it reads a little under the offered rate, and the further
   * under the higher the latency, though that is already bounded.
   */
  capacity: number;
  /** `capacity` over the relay's. */
  ratioToRelay?: number;
  /** Bursts of sends from one socket on an otherwise idle system (see `runBursts`). */
  bursts: BurstResult;
}

/** The groups of processes whose CPU time a series counts, as the report names them. */
export const CPU_GROUPS = { server: 'server', postgres: 'PostgreSQL', redis: 'Redis' } as const;

/**
 * The processes under test of a series: its server processes (the relay or the nodes, each with its
 * threads, and their event loops on their own) and, on a cluster, PostgreSQL (with its backends) and
 * Redis.
 */
export function processGroups(servers: { pid: number }[], stores?: { postgres: { pid: number }; redis: { pid: number } }): ProcessGroup[] {
  const groups: ProcessGroup[] = [{ name: CPU_GROUPS.server, pids: servers.map((server) => server.pid), eventLoops: true }];
  if (stores) groups.push({ name: CPU_GROUPS.postgres, pids: [stores.postgres.pid] }, { name: CPU_GROUPS.redis, pids: [stores.redis.pid] });
  return groups;
}

/** Sockets for a Trellis fixture: `SOCKETS_PER_MEMBER` per member, spread round-robin over the nodes. */
export function trellisSpecs(fixture: Fixture, nodes: ServerProcess[]): SocketSpec[] {
  let next = 0;
  return fixture.conversations.flatMap((conversation) =>
    conversation.members.flatMap((member) =>
      Array.from({ length: SOCKETS_PER_MEMBER }, () => ({
        url: `${nodes[next++ % nodes.length]!.wsUrl}?token=${encodeURIComponent(member.token)}`,
        userId: member.userId,
        conversations: [conversation.id],
      })),
    ),
  );
}

/** Sockets of the same shape for the relay. */
export function relaySpecs(fixture: Fixture, relay: ServerProcess): SocketSpec[] {
  return fixture.conversations.flatMap((conversation, c) =>
    conversation.members.flatMap((member, m) =>
      Array.from({ length: SOCKETS_PER_MEMBER }, () => ({
        url: `${relay.wsUrl}?user=u${c}-${m}&conversations=relay-${c}`,
        userId: member.userId,
        conversations: [`relay-${c}`],
      })),
    ),
  );
}

/**
 * Runs one series: opens its sockets, warms up, climbs the ladder, closes. `processes` are the
 * systems under test whose CPU time each step counts.
 */
export async function runSeries(name: string, specs: SocketSpec[], processes: ProcessGroup[], progress: Progress): Promise<WsSeries> {
  progress.update(`${name}: opening ${specs.length} sockets`);
  const sockets = await openSockets(specs, 20);
  const steps: MeasuredStep[] = [];
  try {
    progress.update(`${name}: warming up`);
    for (const [i, { rate, ms }] of WARM_UP.entries()) await runStep(sockets, rate, ms, DRAIN_MS, `${name}-warmup${i}`);
    progress.update(`${name}: ${BURSTS.bursts} bursts of ${BURSTS.size} sends`);
    const bursts = await runBursts(sockets, BURSTS.bursts, BURSTS.size, BURSTS.gapMs, `${name}-burst`);
    progress.log(`${name.padEnd(22)} ${BURSTS.size} sends fired from one socket: last answer p50 ${bursts.lastAnswer.p50} max ${bursts.lastAnswer.max} ms`);
    let misses = 0;
    for (const rate of RATES) {
      progress.update(`${name}: offering ${rate} msg/s for ${STEP_MS / 1000} s`);
      const before = readCpu(processes);
      const measured = await runStep(sockets, rate, STEP_MS, DRAIN_MS, `${name}-${rate}`);
      const step = { ...measured, cpuMsPerMessage: cpuPerMessage(before, readCpu(processes), measured.sent) };
      steps.push(step);
      progress.log(
        `${name.padEnd(22)} offered ${String(rate).padStart(5)} msg/s → ${String(step.throughput).padStart(7)} msg/s, ` +
          `e2e p50 ${step.endToEnd.p50} p99 ${step.endToEnd.p99} ms, ack p99 ${step.ack.p99} ms, delivered ${step.delivered}/${step.expectedDeliveries}, ` +
          `CPU ms/msg ${Object.entries(step.cpuMsPerMessage).map(([group, ms]) => `${group} ${ms}`).join(' ')}` +
          (Object.keys(step.refused).length ? `, refused ${JSON.stringify(step.refused)}` : ''),
      );
      misses = sustained(step, P99_BOUND_MS) ? 0 : misses + 1;
      if (misses === MISSES_TO_STOP) break;
    }
    const capacity = Math.max(0, ...steps.filter((s) => sustained(s, P99_BOUND_MS)).map((s) => s.offered));
    return { name, steps, capacity, bursts };
  } finally {
    await closeSockets(sockets);
  }
}

/** Sets each series' ratio to the relay's capacity. */
export function withRatios(series: WsSeries[], relay: WsSeries): WsSeries[] {
  return series.map((s) => ({ ...s, ratioToRelay: ratio(s.capacity, relay.capacity) }));
}
