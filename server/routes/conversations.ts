import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userOf } from '../plugins/auth.ts';
import { listConversationsOfUser } from '../repositories/messages.ts';
import { IdParams, withErrors } from './schemas.ts';

/** Conversations of the current user and their history, paged by sequence number. */
const conversationRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.get('/conversations', { schema: { tags: ['messaging'], summary: 'Your conversations with read positions' } }, async (request) =>
    listConversationsOfUser(fastify.db.prisma, userOf(request).id),
  );

  fastify.get(
    '/conversations/:id/messages',
    {
      schema: {
        tags: ['messaging'],
        summary: 'A page of history: after= for newer messages, before= for older ones (default: the newest)',
        params: IdParams,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0 })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const { after, before, limit } = request.query;
      // NOTE: sequence numbers are PostgreSQL integers; a larger bound fails the query.
      const beforeSeq = after === undefined && before === undefined ? 2_147_483_647 : before;
      return fastify.messages.history(userOf(request), request.params.id, { afterSeq: after, beforeSeq, limit });
    },
  );
};

export default conversationRoutes;
