/**
 * HTTP scenarios with autocannon: login, a history page, mentor search and the review queue, each
 * against the same node, and the bare Fastify route as the baseline of this machine.
 */
import autocannon from 'autocannon';
import { api, type Fixture } from '../lib/fixtures.ts';
import type { ServerProcess } from '../lib/node-process.ts';
import type { Progress } from '../lib/progress.ts';
import { ratio, round } from '../lib/stats.ts';
import { openSocket } from '../lib/ws-harness.ts';
import { DEMO_PASSWORD, demoEmail } from '../../server/seed/demo.ts';

const DURATION_S = 5;
const CONNECTIONS = 10;
/** Messages stored before the history scenario, so a page holds a full 50. */
const HISTORY_MESSAGES = 60;
/** Where the coordinators' review queue may be served (the first path answering 200 is used). */
const REVIEW_QUEUE_PATHS = ['/review/queue', '/reviews', '/review', '/moderation/queue', '/alerts'];

/** One scenario's figures. */
export interface HttpResult {
  scenario: string;
  target: string;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  non2xx: number;
  errors: number;
  /** Requests per second over the bare route's. */
  ratioToBaseline?: number;
  /** Why a scenario did not run. */
  skipped?: string;
}

async function cannon(
  scenario: string,
  target: string,
  options: autocannon.Options,
  progress: Progress,
): Promise<HttpResult> {
  progress.update(`${scenario} on ${target}: ${DURATION_S} s with ${options.connections ?? CONNECTIONS} connections`);
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const figures: HttpResult = {
    scenario,
    target,
    requestsPerSecond: round(result.requests.average, 1),
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  progress.log(`${scenario.padEnd(16)} ${target.padEnd(10)} ${String(figures.requestsPerSecond).padStart(8)} req/s, p99 ${figures.latencyP99} ms, non-2xx ${figures.non2xx}, errors ${figures.errors}`);
  return figures;
}

/** Stores messages in the first conversation so its history page is full. */
async function fillHistory(node: ServerProcess, fixture: Fixture): Promise<void> {
  const conversation = fixture.conversations[0]!;
  const sender = conversation.members[0]!;
  const socket = await openSocket({ url: `${node.wsUrl}?token=${encodeURIComponent(sender.token)}`, userId: sender.userId, conversations: [] }, 0);
  let acked = 0;
  await new Promise<void>((done) => {
    socket.onFrame = (frame) => {
      if ((frame.type === 'ack' || frame.type === 'error') && String(frame.clientId).startsWith('history-') && ++acked === HISTORY_MESSAGES) done();
    };
    for (let i = 0; i < HISTORY_MESSAGES; i++) {
      socket.socket.send(JSON.stringify({ type: 'send', conversationId: conversation.id, clientId: `history-${i}`, body: `history message ${i} about internships and applications` }));
    }
  });
  socket.socket.close();
}

/** The bare route's figures (the baseline). */
export function runBaseline(baseline: ServerProcess, progress: Progress): Promise<HttpResult> {
  return cannon('bare route', 'baseline', { url: `${baseline.baseUrl}/page` }, progress);
}

/** Runs the Trellis scenarios against one node; `only` limits them (e.g. the history page). */
export async function runScenarios(
  node: ServerProcess,
  fixture: Fixture,
  target: string,
  progress: Progress,
  only?: string[],
): Promise<HttpResult[]> {
  const want = (scenario: string) => !only || only.includes(scenario);
  const member = fixture.conversations[0]!.members[0]!;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const results: HttpResult[] = [];
  if (want('history page')) {
    progress.update(`storing ${HISTORY_MESSAGES} messages for the history page`);
    await fillHistory(node, fixture);
    const page = await api<{ messages: unknown[] }>(node.baseUrl, 'GET', `/conversations/${fixture.conversations[0]!.id}/messages?limit=50`, member.token);
    if (page.messages.length !== 50) throw new Error(`the history page holds ${page.messages.length} messages, not 50`);
    results.push(
      await cannon('history page', target, { url: `${node.baseUrl}/conversations/${fixture.conversations[0]!.id}/messages?limit=50`, headers: bearer(member.token) }, progress),
    );
  }
  if (want('mentor search')) {
    results.push(
      await cannon('mentor search', target, { url: `${node.baseUrl}/mentors?type=project_design&categories=engineering,stem`, headers: bearer(member.token) }, progress),
    );
  }
  if (want('review queue')) {
    let path: string | undefined;
    for (const candidate of REVIEW_QUEUE_PATHS) {
      const response = await fetch(`${node.baseUrl}${candidate}`, { headers: bearer(fixture.coordinatorToken) });
      if (response.ok) {
        path = candidate;
        break;
      }
    }
    if (path) {
      results.push(await cannon('review queue', target, { url: `${node.baseUrl}${path}`, headers: bearer(fixture.coordinatorToken) }, progress));
    } else {
      results.push({ scenario: 'review queue', target, requestsPerSecond: 0, latencyP50: 0, latencyP99: 0, non2xx: 0, errors: 0, skipped: `no review queue route in this build (tried ${REVIEW_QUEUE_PATHS.join(', ')})` });
      progress.log('review queue: no route in this build, skipped');
    }
  }
  if (want('login')) {
    results.push(
      await cannon('login', target, {
        url: `${node.baseUrl}/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: demoEmail('ava'), password: DEMO_PASSWORD }),
      }, progress),
    );
  }
  return results;
}

/** Sets each result's ratio to the baseline. */
export function withRatios(results: HttpResult[], baseline: HttpResult): HttpResult[] {
  return results.map((r) => (r.skipped ? r : { ...r, ratioToBaseline: ratio(r.requestsPerSecond, baseline.requestsPerSecond) }));
}
