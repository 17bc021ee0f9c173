import type { FastifyPluginAsync } from 'fastify';
import { coalescingSocket } from '../realtime/coalescing-socket.ts';
import { Connection, type VideoGateway } from '../realtime/connection.ts';
import { listConversationCursors } from '../repositories/messages.ts';
import { userOf } from '../plugins/auth.ts';

/** Options of the socket route. */
export interface SocketRouteOptions {
  /** The video signalling core, when video is enabled. */
  video?: VideoGateway;
}

/**
 * `GET /ws`: the Trellis socket. The upgrade needs a token (`?token=` or a Bearer header); the route
 * only adapts the socket, the realtime core does the rest.
 */
const socketRoute: FastifyPluginAsync<SocketRouteOptions> = async (fastify, options) => {
  const { config } = fastify;
  const nodeId = config.NODE_ID || `${config.HOST}:${config.PORT}`;
  fastify.get(
    '/ws',
    {
      websocket: true,
      preValidation: fastify.authenticate,
      schema: { hide: true, querystring: { type: 'object', properties: { token: { type: 'string' } } } },
    },
    (socket, request) => {
      const connection = new Connection(coalescingSocket(socket), userOf(request), {
        hub: fastify.hub,
        messages: fastify.messages,
        rateLimiter: fastify.messageRateLimiter,
        log: request.log,
        nodeId,
        maxFrameBytes: config.MAX_FRAME_BYTES,
        maxBadFramesPerMinute: config.MAX_BAD_FRAMES,
        listConversations: (userId) => listConversationCursors(fastify.db.prisma, userId),
        video: options.video,
        metrics: fastify.metrics,
      });
      socket.on('message', (data: Buffer, isBinary: boolean) => connection.onFrame(data, isBinary));
      socket.on('close', () => connection.onClose());
      connection.start().catch((error: unknown) => {
        request.log.error({ err: error }, 'could not start a socket');
        socket.close(1011, 'try again');
        connection.onClose();
      });
    },
  );
};

export default socketRoute;
