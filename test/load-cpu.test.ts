/**
 * The load tests' CPU accounting (`load-tests/lib/cpu.ts`): a group counts its processes and their
 * children, the harness counts itself, and per-message figures divide the difference.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import t from 'tap';
import { eventually, type Teardown } from './support/app.ts';
import { cpuPerMessage, eventLoopsOf, HARNESS, MACHINE, readCpu, type CpuTimes, type ProcessGroup } from '../load-tests/lib/cpu.ts';

/** Keeps this thread busy until it has used `ms` of CPU time (not of wall time: a loaded machine gives less). */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const { user, system } = process.cpuUsage(start);
    if ((user + system) / 1000 >= ms) return;
  }
}

/**
 * The groups' CPU times once `name` has spent `ms` since `before` (on a loaded machine a busy child
 * gets its CPU time late).
 */
async function readOnceSpent(groups: readonly ProcessGroup[], before: CpuTimes, name: string, ms: number): Promise<CpuTimes> {
  const reading = await eventually(() => {
    const after = readCpu(groups);
    return after[name]! - before[name]! >= ms ? after : undefined;
  }, 10_000, `${ms} ms of CPU time counted for ${name}`);
  return reading!; // eventually returns only a reading that was found
}

/**
 * A node process whose child burns CPU until killed (on SIGUSR2, after which the process prints
 * `ended`); resolves once the child runs.
 */
function burnerTree(t: Teardown): Promise<ChildProcess> {
  const script = `const child = require('child_process').spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    process.on('SIGTERM', () => { child.kill('SIGKILL'); process.exit(0); });
    process.on('SIGUSR2', () => { child.once('exit', () => console.log('ended')); child.kill('SIGKILL'); });
    setTimeout(() => console.log('started'), 100); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => new Promise((resolve) => (parent.exitCode === null ? parent.once('exit', resolve).kill('SIGTERM') : resolve(null))));
  return new Promise((resolve) => parent.stdout!.once('data', () => resolve(parent)));
}

t.test('a group counts its processes and the processes they started; the harness counts itself', async (t) => {
  const parent = await burnerTree(t);
  const groups = [{ name: 'burner', pids: [parent.pid!] }, { name: 'nobody', pids: [] }];
  const before = readCpu(groups);
  burnCpu(200); // the harness's own CPU time
  const after = await readOnceSpent(groups, before, 'burner', 150);
  const spent = (name: string) => after[name]! - before[name]!;
  t.ok(spent('burner') >= 150, `the child's CPU time is its group's (${spent('burner')} ms)`);
  t.equal(spent('nobody'), 0, 'an empty group has none');
  t.ok(spent(HARNESS) >= 100, `the harness's 200 ms of busy CPU counted (${spent(HARNESS)} ms)`);
  t.ok(spent(MACHINE) >= spent('burner'), `the machine's time holds the group's (${spent(MACHINE)} ms)`);

  const ended = new Promise((resolve) => parent.stdout!.once('data', resolve));
  parent.kill('SIGUSR2');
  await ended;
  t.ok(readCpu(groups).burner! >= after.burner!, 'the time of a child that ended stays counted');
});

/** A node process that burns CPU on a worker thread while its event loop idles, until killed. */
function workerBurner(t: Teardown): Promise<ChildProcess> {
  const script = `new (require('worker_threads').Worker)('for (;;);', { eval: true }).on('online', () => console.log('started'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve).kill('SIGKILL') : resolve(null))));
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

t.test("a group's event loops are counted apart from its other threads", async (t) => {
  const child = await workerBurner(t);
  const groups = [{ name: 'node', pids: [child.pid!], eventLoops: true }, { name: 'this test', pids: [process.pid], eventLoops: true }];
  const before = readCpu(groups);
  burnCpu(200); // this process's event loop
  const after = await readOnceSpent(groups, before, 'node', 150);
  const all = after.node! - before.node!;
  const eventLoop = after[eventLoopsOf('node')]! - before[eventLoopsOf('node')]!;
  t.ok(all >= 150, `the worker thread's time is the group's (${all} ms)`);
  t.ok(eventLoop <= all / 4, `the idle event loop's is not (${eventLoop} ms)`);
  const busyLoop = after[eventLoopsOf('this test')]! - before[eventLoopsOf('this test')]!;
  t.ok(busyLoop >= 100, `a busy event loop's is (${busyLoop} ms)`);
});

t.test('per-message figures divide the difference', async (t) => {
  t.same(cpuPerMessage({ server: 100, harness: 10 }, { server: 400, harness: 70 }, 300), { server: 1, harness: 0.2 });
  t.same(cpuPerMessage({ server: 100 }, { server: 400 }, 0), { server: 0 }, 'no message, no cost');
});
