import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { VideoAuditEvent } from '../../media/access.ts';
import { VideoService } from '../../media/signalling.ts';
import { appendAudit } from '../repositories/audit.ts';
import { databaseVideoAccess } from '../video/video-access.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The node's SFU (mediasoup workers and rooms), or null when video is disabled. */
    video: VideoService | null;
  }
}

/** Writes a video event to the audit log; a failure is logged, never thrown into the media layer. */
function auditVideo(fastify: FastifyInstance, event: VideoAuditEvent): void {
  const { type, roomId, userId, at, ...data } = event;
  appendAudit(fastify.db.prisma, { actorId: userId, kind: type, subjectIds: [roomId], data: data as Record<string, unknown>, at }).catch(
    (error: unknown) => fastify.log.error({ err: error, event: type }, 'could not audit a video event'),
  );
}

/**
 * Starts the video SFU when enabled: a mediasoup worker pool, database-backed room access, audit of
 * every join, leave, produce and removal, and a notice to coordinators when a one-to-one session starts.
 */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    if (!config.VIDEO_ENABLED) {
      fastify.decorate('video', null);
      return;
    }
    const access = databaseVideoAccess(fastify.db.prisma, ({ programId, mentorshipId, userId }) => {
      void fastify.db.prisma.user
        .findMany({ where: { programId, role: 'coordinator' }, select: { id: true } })
        .then((coordinators) =>
          Promise.all(
            coordinators.map((coordinator) =>
              fastify.bus.notifyUser({ userId: coordinator.id, kind: 'video.oneToOneStarted', roomId: mentorshipId, joinedBy: userId }),
            ),
          ),
        )
        .catch((error: unknown) => fastify.log.error({ err: error }, 'could not notify coordinators of a one-to-one session'));
    });
    const video = await VideoService.create({
      workerBin: config.MEDIASOUP_WORKER_BIN || undefined,
      numWorkers: config.MEDIA_WORKERS || undefined,
      logLevel: config.MEDIA_LOG_LEVEL,
      rtcMinPort: config.MEDIA_RTC_MIN_PORT,
      rtcMaxPort: config.MEDIA_RTC_MAX_PORT,
      listenIp: config.MEDIA_LISTEN_IP,
      announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS || undefined,
      access,
      audit: (event) => auditVideo(fastify, event),
      logger: fastify.log,
    });
    video.on('workerDied', (pid) => fastify.log.error({ pid }, 'a mediasoup worker died; its rooms were closed'));
    fastify.addHook('onRequest', async (request) => {
      // The SFU gauges are read when Prometheus scrapes, not kept up to date on every media event.
      if (request.url !== '/metrics') return;
      const rooms = video.snapshot().rooms;
      fastify.metrics.sfuRooms.set(rooms.length);
      fastify.metrics.sfuConsumers.set(rooms.reduce((sum, room) => sum + room.consumers, 0));
    });
    fastify.decorate('video', video);
    fastify.addHook('onClose', async () => video.close());
  },
  { name: 'video', dependencies: ['database', 'bus'] },
);
