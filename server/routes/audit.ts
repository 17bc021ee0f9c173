import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyAuditChain } from '../audit/verify.ts';
import { TrellisError } from '../errors.ts';
import { requireRole } from '../plugins/auth.ts';
import { buildTranscript, transcriptCsv } from '../moderation/transcript.ts';
import { appendAudit } from '../repositories/audit.ts';
import { getMentorshipScope } from '../repositories/moderated-messages.ts';
import { IdParams, withErrors } from './schemas.ts';

/** Audit chain verification (admins) and transcript export (the program's coordinators). */
const auditRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.get(
    '/admin/audit/verify',
    { schema: { tags: ['admin'], summary: 'Verify the hash chain of the audit log; names the first broken entry', response: withErrors({}) } },
    async (request) => {
      const admin = requireRole(request, 'admin');
      const result = await verifyAuditChain(prisma);
      await appendAudit(prisma, { actorId: admin.id, kind: 'audit.verified', subjectIds: [], data: { ...result } });
      return result;
    },
  );

  fastify.get(
    '/mentorships/:id/transcript',
    {
      schema: {
        tags: ['review'],
        summary: "A mentorship's full transcript, held and blocked messages included, with verdicts and decisions (coordinators of its program)",
        params: IdParams,
        querystring: Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }) }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const coordinator = requireRole(request, 'coordinator');
      const mentorship = await getMentorshipScope(prisma, request.params.id);
      if (!mentorship || mentorship.programId !== coordinator.programId) throw new TrellisError('NOT_FOUND');
      const entries = mentorship.conversation ? await buildTranscript(prisma, mentorship.conversation.id) : [];
      await appendAudit(prisma, {
        actorId: coordinator.id, kind: 'transcript.exported', subjectIds: [mentorship.id],
        data: { format: request.query.format, messages: entries.length },
      });
      const filename = `transcript-${mentorship.id}.${request.query.format}`;
      reply.header('content-disposition', `attachment; filename="${filename}"`);
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(transcriptCsv(entries));
      return { mentorshipId: mentorship.id, conversationId: mentorship.conversation?.id ?? null, messages: entries };
    },
  );
};

export default auditRoutes;
