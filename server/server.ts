/**
 * Starts a Trellis node: reads the configuration, builds the app, listens, and shuts down gracefully
 * on SIGTERM or SIGINT (sockets are drained and told to reconnect elsewhere).
 */
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DEMO_PASSWORD, demoEmail, seedDemo } from './seed/demo.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`trellis: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await buildApp({
    config,
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization'] },
  });
  if (config.DEMO_SEED && (await seedDemo(app.db.prisma))) {
    app.log.info({ login: demoEmail('ava'), password: DEMO_PASSWORD }, 'demo program seeded (see README for all accounts)');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await app.listen({ host: config.HOST, port: config.PORT });
}

main().catch((error: unknown) => {
  console.error('trellis: could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
