/**
 * The Trellis application: infrastructure plugins first (config, errors, database, bus, read caches,
 * auth, messaging), then feature routes. Tests build this; `server.ts` only adds listening and signals.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Screener } from '../moderation/types.ts';
import type { Config } from './config.ts';
import { CloseCode } from './errors.ts';
import authPlugin from './plugins/auth.ts';
import busPlugin from './plugins/bus.ts';
import cachesPlugin from './plugins/caches.ts';
import configPlugin from './plugins/config.ts';
import databasePlugin from './plugins/database.ts';
import errorHandler from './plugins/error-handler.ts';
import filesPlugin from './plugins/files.ts';
import messagingPlugin, { drainConnections } from './plugins/messaging.ts';
import screeningPlugin from './plugins/screening.ts';
import metricsPlugin from './plugins/metrics.ts';
import type { VideoGateway } from './realtime/connection.ts';
import authRoutes from './routes/auth.ts';
import conversationRoutes from './routes/conversations.ts';
import fileRoutes from './routes/files.ts';
import healthRoutes from './routes/health.ts';
import matchingRoutes from './routes/matching.ts';
import programRoutes from './routes/program.ts';
import auditRoutes from './routes/audit.ts';
import policyRoutes from './routes/policy.ts';
import reportRoutes from './routes/reports.ts';
import reviewRoutes from './routes/review.ts';
import { ErrorResponse } from './routes/schemas.ts';
import socketRoute from './routes/socket.ts';
import videoPlugin from './plugins/video.ts';
import videoPageRoute from './routes/video-page.ts';

/** What `buildApp` takes besides the configuration. */
export interface AppOptions {
  config: Config;
  /** Fastify logger options (`false` in tests). */
  logger?: FastifyServerOptions['logger'];
  /** Replaces the screener built from configuration (tests of the seam). */
  screener?: Screener;
  /** Replaces the video SFU built from configuration (tests with their own room access). */
  video?: VideoGateway;
}

/** Log lines never carry tokens: the socket URL's `token` query is masked. */
function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/, '$1[masked]');
}

/** Builds a ready (not listening) Trellis application. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: options.logger ?? false,
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    // Opening and migrating the embedded database takes more than Fastify's default 10 s on a busy machine.
    pluginTimeout: 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.logger) {
    fastify.log = fastify.log.child({}, { serializers: { req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: maskToken(req.url) }) } });
  }

  await fastify.register(configPlugin, { config: options.config });
  await fastify.register(metricsPlugin);
  fastify.addSchema(ErrorResponse);
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'Trellis', version: '0.1.0', description: 'Monitored communication server for career-mentoring programs' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });
  await fastify.register(errorHandler);
  await fastify.register(websocket, {
    // Frames up to this size are read and refused with FRAME_TOO_LARGE; larger ones close the socket.
    options: { maxPayload: Math.max(options.config.MAX_FRAME_BYTES * 4, 1024 * 1024) },
    // NOTE: replaces the plugin's default, which closes sockets at once: in-flight sends finish first and
    // clients get the shutdown code that tells them to reconnect elsewhere.
    preClose: async function (this: FastifyInstance) {
      await drainConnections(this);
      for (const socket of this.websocketServer.clients) socket.close(CloseCode.SHUTDOWN, 'server shutting down');
      await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
    },
  });
  await fastify.register(databasePlugin);
  await fastify.register(busPlugin);
  await fastify.register(cachesPlugin);
  await fastify.register(authPlugin);
  if (!options.video) await fastify.register(videoPlugin);
  else fastify.decorate('video', null);
  await fastify.register(screeningPlugin, { screener: options.screener });
  await fastify.register(messagingPlugin, { screener: fastify.moderation.screener, recordScreening: fastify.moderation.recordScreening });
  await fastify.register(filesPlugin);

  await fastify.register(healthRoutes);
  await fastify.register(authRoutes);
  await fastify.register(matchingRoutes);
  await fastify.register(programRoutes);
  await fastify.register(conversationRoutes);
  await fastify.register(fileRoutes);
  await fastify.register(policyRoutes);
  await fastify.register(reviewRoutes);
  await fastify.register(reportRoutes);
  await fastify.register(auditRoutes);
  await fastify.register(socketRoute, { video: options.video ?? fastify.video ?? undefined });
  if (fastify.video) await fastify.register(videoPageRoute);
  await fastify.ready();
  return fastify;
}
