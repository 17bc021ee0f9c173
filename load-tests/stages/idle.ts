/**
 * Idle authenticated sockets on one node: opens many sockets (several per user, reusing tokens),
 * checks the node counts them, and reads the node's RSS growth per socket from /proc.
 */
import type { Fixture } from '../lib/fixtures.ts';
import type { ServerProcess } from '../lib/node-process.ts';
import type { Progress } from '../lib/progress.ts';
import { round } from '../lib/stats.ts';
import { closeSockets, openSockets, type SocketSpec } from '../lib/ws-harness.ts';

/** The idle-socket figures. */
export interface IdleResult {
  sockets: number;
  opened: number;
  connectSeconds: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** RSS growth per socket in KB. */
  kbPerSocket: number;
  /** The node's own count (`trellis_connections`) with every socket open. */
  reportedConnections: number;
}

async function reportedConnections(node: ServerProcess): Promise<number> {
  const text = await (await fetch(`${node.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('trellis_connections'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Sockets opened and closed before the measured round. */
const WARM_UP_SOCKETS = 1000;

/** Opens `count` idle sockets spread over the fixture's users and measures the node. */
export async function runIdle(node: ServerProcess, fixture: Fixture, count: number, progress: Progress): Promise<IdleResult> {
  const specs: SocketSpec[] = Array.from({ length: count }, (_, i) => {
    const user = fixture.users[i % fixture.users.length]!;
    return { url: `${node.wsUrl}?token=${encodeURIComponent(user.token)}`, userId: user.userId, conversations: [] };
  });
  // The first sockets of a node also pay for compiling the upgrade and session code and for growing
  // its heap: a first round is opened and closed before the measured one, which then reads what
  // sockets themselves cost.
  progress.update('warming up with a first round of sockets');
  await closeSockets(await openSockets(specs.slice(0, Math.min(WARM_UP_SOCKETS, count)), 64));
  progress.update('letting the node settle');
  await settle(2000);
  const rssBefore = node.rss();
  const started = performance.now();
  const sockets = await openSockets(specs, 64, (open) => {
    if (open % 250 === 0) progress.update(`${open}/${count} sockets open, node RSS ${Math.round(node.rss() / 1048576)} MB`);
  });
  const connectSeconds = round((performance.now() - started) / 1000, 1);
  progress.update(`${count} sockets open; letting the node settle`);
  await settle(3000);
  const rssAfter = node.rss();
  const reported = await reportedConnections(node);
  progress.update('closing the idle sockets');
  await closeSockets(sockets);
  const result: IdleResult = {
    sockets: count,
    opened: sockets.length,
    connectSeconds,
    rssBeforeMb: round(rssBefore / 1048576, 1),
    rssAfterMb: round(rssAfter / 1048576, 1),
    kbPerSocket: round((rssAfter - rssBefore) / count / 1024, 1),
    reportedConnections: reported,
  };
  progress.log(`${count} idle sockets opened in ${connectSeconds} s: RSS ${result.rssBeforeMb} → ${result.rssAfterMb} MB, ${result.kbPerSocket} KB per socket; node counts ${reported}`);
  return result;
}
