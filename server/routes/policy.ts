import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { parsePolicy, PolicyError } from '../../moderation/policy.ts';
import { inTransaction } from '../db/client.ts';
import { TrellisError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { requireRole } from '../plugins/auth.ts';
import { appendAudit } from '../repositories/audit.ts';
import { getProgramPolicy, setProgramPolicy } from '../repositories/programs.ts';
import type { AuthUser } from '../repositories/users.ts';
import { IdParams, withErrors } from './schemas.ts';

/** Admins manage every program's policy; a coordinator manages its own program's. */
function mayManage(user: AuthUser, programId: string): boolean {
  return user.role === 'admin' || (user.role === 'coordinator' && user.programId === programId);
}

/** A program's moderation policy: read it, replace it (validated; the cache of this node is refreshed at once). */
const policyRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.get(
    '/programs/:id/policy',
    { schema: { tags: ['moderation'], summary: "A program's stored policy and the effective policy (defaults filled in)", params: IdParams, response: withErrors({}) } },
    async (request) => {
      const user = requireRole(request, 'admin', 'coordinator');
      if (!mayManage(user, request.params.id)) throw new TrellisError('NOT_FOUND');
      const stored = await getProgramPolicy(prisma, request.params.id);
      if (stored === null) throw new TrellisError('NOT_FOUND');
      return { programId: request.params.id, policy: stored, effective: parsePolicy(stored) };
    },
  );

  fastify.put(
    '/programs/:id/policy',
    {
      schema: {
        tags: ['moderation'],
        summary: "Replace a program's policy (admin, or the program's coordinator); a bad policy gets POLICY_INVALID with the path",
        params: IdParams,
        body: Type.Object({}, { additionalProperties: true, description: 'The policy JSON (see docs/moderation.md)' }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const user = requireRole(request, 'admin', 'coordinator');
      const programId = request.params.id;
      if (!mayManage(user, programId)) throw new TrellisError('NOT_FOUND');
      let effective;
      try {
        effective = parsePolicy(request.body);
      } catch (error) {
        if (error instanceof PolicyError) throw new TrellisError('POLICY_INVALID', error.message, { path: error.path });
        throw error;
      }
      const json = request.body as Prisma.InputJsonValue;
      await inTransaction(prisma, async (tx) => {
        if (!(await setProgramPolicy(tx, programId, json))) throw new TrellisError('NOT_FOUND');
        await appendAudit(tx, { actorId: user.id, kind: 'policy.updated', subjectIds: [programId], data: { policy: request.body, version: effective.version } });
      });
      fastify.moderation.policies.set(programId, effective);
      return { programId, policy: request.body, effective };
    },
  );
};

export default policyRoutes;
