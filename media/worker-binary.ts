import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The script that builds and caches the mediasoup worker binary. */
export const ENSURE_WORKER_SCRIPT = 'scripts/ensure-mediasoup-worker.sh';

/** Version of the mediasoup package installed in node_modules, read without loading mediasoup. */
export function installedMediasoupVersion(): string {
  // `mediasoup/package.json` is not in the package's exports: go from its main entry (node/lib/index.js).
  const main = createRequire(import.meta.url).resolve('mediasoup');
  const pkg: unknown = JSON.parse(readFileSync(join(dirname(main), '..', '..', 'package.json'), 'utf8'));
  if (typeof pkg !== 'object' || pkg === null || !('version' in pkg) || typeof pkg.version !== 'string') {
    throw new Error('cannot read the version of the installed mediasoup package');
  }
  return pkg.version;
}

/**
 * Where scripts/ensure-mediasoup-worker.sh caches the worker for this mediasoup version:
 * `${XDG_CACHE_HOME:-$HOME/.cache}/trellis/mediasoup-worker-<version>/mediasoup-worker`.
 */
export function cachedWorkerBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheRoot, 'trellis', `mediasoup-worker-${installedMediasoupVersion()}`, 'mediasoup-worker');
}

/**
 * Path of the mediasoup-worker binary: `MEDIASOUP_WORKER_BIN` when set, else the cache path of
 * scripts/ensure-mediasoup-worker.sh. Throws an error naming that script when the file does not exist.
 * `env` defaults to process.env; the server's config plugin may pass its own view of the environment.
 */
export function resolveWorkerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.MEDIASOUP_WORKER_BIN;
  const path = explicit || cachedWorkerBinaryPath(env);
  if (!existsSync(path)) {
    const origin = explicit ? 'MEDIASOUP_WORKER_BIN points to' : 'no cached worker at';
    throw new Error(
      `mediasoup worker binary not found (${origin} ${path}). ` +
        `Build it with: ${ENSURE_WORKER_SCRIPT} (prints its path; takes 6 to 11 minutes the first time)`,
    );
  }
  return path;
}
