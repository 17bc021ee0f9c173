/**
 * The systems under test, started once per run and shared by stages: the embedded single node
 * (PGlite, in-process bus: the defaults), and a cluster of PostgreSQL + Redis with two nodes.
 */
import { startPostgres, startRedis, type RunningServer } from '../../test/support/servers.ts';
import { createFixture, type Fixture } from './fixtures.ts';
import { startNode, type ServerProcess } from './node-process.ts';
import type { Progress } from './progress.ts';

/**
 * How many conversations and members the fixtures hold. Users are few because each costs two scrypt
 * hashes (creation and login); sockets multiply them (several sockets per user).
 */
export const FIXTURE_SHAPE = { conversations: 6, studentsPerConversation: 3 };

/** A single node on the embedded defaults. */
export interface EmbeddedEnv {
  node: ServerProcess;
  fixture: Fixture;
}

/** Two nodes sharing PostgreSQL and Redis. */
export interface ClusterEnv {
  postgres: RunningServer;
  redis: RunningServer;
  nodes: [ServerProcess, ServerProcess];
  fixture: Fixture;
  /** Starts a replacement node (after a kill) on the same database and bus. */
  startNode(name: string): Promise<ServerProcess>;
}

/** Starts the embedded node with the demo seed and creates the fixture through its API. */
export async function startEmbedded(progress: Progress, nodeFlags: string[] = []): Promise<EmbeddedEnv> {
  progress.update('starting the embedded node');
  const node = await startNode({ name: 'embedded', demoSeed: true, nodeFlags });
  const fixture = await createFixture(node.baseUrl, {
    ...FIXTURE_SHAPE,
    prefix: 'emb',
    onProgress: (done) => progress.update(`creating users and groups ${done}/${FIXTURE_SHAPE.conversations}`),
  });
  return { node, fixture };
}

/** Starts PostgreSQL, Redis and two nodes, and creates the fixture through the first node. */
export async function startCluster(progress: Progress, nodeFlags: string[] = []): Promise<ClusterEnv> {
  progress.update('starting PostgreSQL and Redis');
  // Durable commits: the fault stage kills PostgreSQL and counts acknowledged messages it lost.
  const [postgres, redis] = await Promise.all([startPostgres({ durableCommits: true }), startRedis()]);
  const start = (name: string, demoSeed = false) =>
    startNode({ name, databaseUrl: postgres.url, redisUrl: redis.url, demoSeed, nodeFlags });
  progress.update('starting node A (migrations, demo seed)');
  const a = await start('node-a', true);
  progress.update('starting node B');
  const b = await start('node-b');
  const fixture = await createFixture(a.baseUrl, {
    ...FIXTURE_SHAPE,
    prefix: 'pg',
    onProgress: (done) => progress.update(`creating users and groups ${done}/${FIXTURE_SHAPE.conversations}`),
  });
  return { postgres, redis, nodes: [a, b], fixture, startNode: (name) => start(name) };
}

/** Stops an environment's processes. */
export async function stopEnv(env: EmbeddedEnv | ClusterEnv | null): Promise<void> {
  if (!env) return;
  if ('nodes' in env) {
    await Promise.all(env.nodes.map((node) => node.stop()));
    await Promise.all([env.postgres.stop(), env.redis.stop()]);
  } else {
    await env.node.stop();
  }
}
