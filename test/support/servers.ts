/**
 * Real PostgreSQL and Redis servers for tests and load tests: Debian's binaries, started on free
 * loopback ports in temporary folders and torn down afterwards. A missing binary is an error that
 * says how to install it; nothing is skipped silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  /** The server's process id (for fault tests). */
  pid: number;
  /** Stops the server and deletes its files. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server abruptly and starts it again on the same port and data. */
  restart(): Promise<void>;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function postgresBinary(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort().reverse() : [];
  for (const version of versions) {
    const path = join(root, version, 'bin', name);
    if (existsSync(path)) return path;
  }
  throw new Error(`PostgreSQL's ${name} was not found under ${root}: install it with 'apt-get install -y postgresql'`);
}

function redisBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error("redis-server was not found: install it with 'apt-get install -y redis-server'");
  return found;
}

/** A server process that exited before it accepted connections. */
class ExitedWhileStarting extends Error {}

/** Waits until `check` passes; fails at once when `child` exits first, or after `timeoutMs`. */
async function waitFor(child: ChildProcess, check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new ExitedWhileStarting(`${what} exited while starting (${child.exitCode ?? child.signalCode})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

/**
 * How long PostgreSQL may take to accept connections: after a SIGKILL it first replays the WAL
 * written since its last checkpoint. In a load test's fault stage, which follows the WebSocket
 * series on the same server, 20 s was once not enough.
 */
const POSTGRES_START_MS = 120_000;

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Wraps a server process that `launch()` (re)starts: stop sends `stopSignal` once and cleans up;
 * restart kills it abruptly and launches it again on the same port and data.
 */
function supervised(
  url: string,
  port: number,
  launch: () => Promise<ChildProcess>,
  first: ChildProcess,
  stopSignal: NodeJS.Signals,
  cleanup: () => void = () => {},
): RunningServer {
  let child = first;
  let stopped = false;
  return {
    url,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopProcess(child, stopSignal);
      cleanup();
    },
    async restart() {
      await stopProcess(child, 'SIGKILL');
      child = await launch();
    },
  };
}

/** Spawn options that run PostgreSQL as the `postgres` user when this process is root (initdb refuses root). */
function asPostgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("running as root needs the 'postgres' user: install it with 'apt-get install -y postgresql'");
  return { uid, gid: id('-g') };
}

/**
 * Starts a throw-away PostgreSQL server with a `trellis` database. Tests run it without waiting for
 * commits to reach the WAL file (`synchronous_commit=off`: quicker, but a SIGKILL may lose the last
 * committed transactions); `durableCommits` keeps PostgreSQL's default, as the fault tests that kill
 * it need. `fsync` stays off either way: killing a process does not lose what the OS holds.
 */
export async function startPostgres(options: { durableCommits?: boolean } = {}): Promise<RunningServer> {
  const initdb = postgresBinary('initdb');
  const postgres = postgresBinary('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'trellis-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const user = asPostgresUser();
  const init = spawnSync(initdb, ['-D', data, '-U', 'trellis', '--auth=trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', ...user });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const start = async (timeoutMs: number): Promise<ChildProcess> => {
    const args = [
      '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
      '-c', 'fsync=off', '-c', `synchronous_commit=${options.durableCommits ? 'on' : 'off'}`, '-c', 'full_page_writes=off', '-c', 'max_connections=200',
    ];
    const child = spawn(postgres, args, { stdio: 'ignore', ...user });
    const { default: pg } = await import('pg');
    await waitFor(child, async () => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'trellis', database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        return false;
      }
    }, 'PostgreSQL', timeoutMs);
    return child;
  };
  // NOTE: right after a SIGKILL, PostgreSQL refuses to start while a backend of the killed server
  // still holds its shared memory (they exit once they notice): start it again until the deadline.
  const launch = async (): Promise<ChildProcess> => {
    const deadline = Date.now() + POSTGRES_START_MS;
    for (;;) {
      try {
        return await start(deadline - Date.now());
      } catch (error) {
        if (!(error instanceof ExitedWhileStarting) || Date.now() > deadline - 1_000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  const first = await launch();
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'trellis', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE trellis');
  await admin.end();
  return supervised(`postgresql://trellis@127.0.0.1:${port}/trellis`, port, launch, first, 'SIGINT', () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

/** Starts a throw-away Redis server without persistence. */
export async function startRedis(): Promise<RunningServer> {
  const binary = redisBinary();
  const port = await freePort();
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const { Redis } = await import('ioredis');
    await waitFor(child, async () => {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.ping();
        return true;
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    }, 'Redis');
    return child;
  };
  return supervised(`redis://127.0.0.1:${port}`, port, launch, await launch(), 'SIGTERM');
}
