/**
 * CPU time spent by the systems under test, by the harness and by the whole machine, read from
 * /proc (Linux). Divided by the messages of a step, it says what a message costs and where: the
 * figure that carries a rate measured on this machine's cores over to another machine's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats.ts';

/** Processes counted together under one name, each with its child processes (PostgreSQL's backends). */
export interface ProcessGroup {
  name: string;
  pids: number[];
  /** Also count the main threads of `pids` alone (a Node process's event loop), as `eventLoopsOf(name)`. */
  eventLoops?: boolean;
}

/** The entry in `CpuTimes` of a group's event loops. */
export function eventLoopsOf(name: string): string {
  return `${name} event loop`;
}

/** CPU time used so far, in ms: by group name, by the harness (`HARNESS`) and by the machine (`MACHINE`). */
export type CpuTimes = Record<string, number>;

/** The harness's own entry in `CpuTimes`. */
export const HARNESS = 'harness';
/** The whole machine's entry in `CpuTimes`: every process, the kernel's work included. */
export const MACHINE = 'machine';

/** Clock ticks of /proc's CPU times: USER_HZ, 100 on every Linux architecture Node runs on. */
const MS_PER_TICK = 10;

/**
 * The fields of a /proc stat line from the third on (state, parent, …, utime at 11, stime at 12,
 * cutime at 13, cstime at 14): they are counted after the command name, which may hold spaces.
 */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Every process's parent and CPU ticks, from /proc/<pid>/stat: its own (utime + stime) and those of
 * its children that ended and were reaped (cutime + cstime), so that a group's time does not drop
 * when one of its processes ends (a PostgreSQL backend closing).
 */
function processTable(): Map<number, { parent: number; ticks: number }> {
  const table = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    const fields = statFields(stat);
    table.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
  }
  return table;
}

/** Ticks of `pids` and of every process below them. */
function ticksOfTree(table: Map<number, { parent: number; ticks: number }>, pids: number[]): number {
  const roots = new Set(pids);
  let ticks = 0;
  for (const [pid, { ticks: own }] of table) {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = table.get(at)?.parent) {
      if (roots.has(at)) {
        ticks += own;
        break;
      }
    }
  }
  return ticks;
}

/** Ticks of the main thread of each of `pids` (utime + stime of /proc/<pid>/task/<pid>/stat). */
function mainThreadTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = statFields(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return ticks;
}

/** Busy ticks of the whole machine (all but idle and I/O wait), from /proc/stat. */
function machineTicks(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** CPU time used so far by each group, the harness and the machine. */
export function readCpu(groups: readonly ProcessGroup[]): CpuTimes {
  const table = processTable();
  const { user, system } = process.cpuUsage();
  const times: CpuTimes = {};
  for (const group of groups) {
    times[group.name] = ticksOfTree(table, group.pids) * MS_PER_TICK;
    if (group.eventLoops) times[eventLoopsOf(group.name)] = mainThreadTicks(group.pids) * MS_PER_TICK;
  }
  times[HARNESS] = (user + system) / 1000;
  times[MACHINE] = machineTicks() * MS_PER_TICK;
  return times;
}

/** CPU ms per message between two readings, by name, rounded to 0.01 ms. */
export function cpuPerMessage(before: CpuTimes, after: CpuTimes, messages: number): CpuTimes {
  const perMessage: CpuTimes = {};
  for (const name of Object.keys(after)) {
    perMessage[name] = messages > 0 ? round((after[name]! - (before[name] ?? 0)) / messages) : 0;
  }
  return perMessage;
}
