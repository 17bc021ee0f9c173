import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userOf } from '../plugins/auth.ts';
import { IdParams, Text, withErrors } from './schemas.ts';

/** Members report messages they can see; a student's report is high priority and alerts coordinators. */
const reportRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.post(
    '/messages/:id/reports',
    {
      schema: {
        tags: ['messaging'],
        summary: 'Report a message of one of your conversations to the coordinators',
        params: IdParams,
        body: Type.Object({ reason: Text(1000, 1) }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const report = await fastify.moderation.review.report(userOf(request), request.params.id, request.body.reason);
      return reply.status(201).send(report);
    },
  );
};

export default reportRoutes;
