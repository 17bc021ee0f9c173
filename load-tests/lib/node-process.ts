/**
 * Trellis nodes and baseline servers as child processes, so a load test can read their RSS from
 * /proc and kill them with SIGKILL. Every process listens on loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test/support/servers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A running child process serving HTTP on loopback. */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly pid: number;
  /** Whether the process is still running. */
  readonly alive: boolean;
  /** Resident set size in bytes, from /proc/<pid>/status. */
  rss(): number;
  /** Kills with SIGKILL (no drain, no goodbye) and waits for the exit. */
  kill(): Promise<void>;
  /** Stops with SIGTERM (graceful) and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
  /** The last lines the process wrote to stderr (for error messages). */
  stderr(): string;
}

/** Options of a Trellis node. */
export interface NodeOptions {
  name: string;
  databaseUrl?: string;
  redisUrl?: string;
  demoSeed?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function waitForHttp(url: string, child: ChildProcess, what: string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
}

/** Reads a process's resident set size from /proc (Linux). */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function launch(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
  dataDir: string | null,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  // A child must not outlive the run, however the run ends.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const handle: ServerProcess = {
    name,
    port,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid: child.pid ?? -1,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    rss: () => rssOf(child.pid ?? -1),
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    stderr: () => errors,
  };
  try {
    await waitForHttp(`${baseUrl}${readyPath}`, child, name);
  } catch (error) {
    await handle.stop();
    throw new Error(`${(error as Error).message}\n${errors}`);
  }
  return handle;
}

/** Starts a Trellis node (`server/server.ts`) with load-test friendly limits. */
export async function startNode(options: NodeOptions): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `trellis-load-${options.name}-`));
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl ?? '',
    REDIS_URL: options.redisUrl ?? '',
    NODE_ID: options.name,
    LOG_LEVEL: 'warn',
    DEMO_SEED: String(options.demoSeed ?? false),
    MESSAGE_RATE_PER_MINUTE: '1000000',
    MESSAGE_BURST: '100000',
    SHUTDOWN_GRACE_MS: '2000',
    ...options.env,
  };
  const args = [...(options.nodeFlags ?? []), '--import', 'tsx', 'server/server.ts'];
  return launch(options.name, args, env, port, '/readyz', dataDir);
}

/** Starts a baseline server script from `load-tests/baselines/` on a free port. */
export async function startBaseline(name: string, script: string): Promise<ServerProcess> {
  const port = await freePort();
  return launch(name, ['--import', 'tsx', join('load-tests', 'baselines', script)], { PORT: String(port) }, port, '/healthz', null);
}
