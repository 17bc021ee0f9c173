import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TProperties } from '@sinclair/typebox';
import { SEVERITIES } from '../../moderation/types.ts';
import { TrellisError } from '../errors.ts';
import { requireRole } from '../plugins/auth.ts';
import { originalOf } from '../moderation/alerts.ts';
import { REVIEW_ACTIONS } from '../moderation/review-service.ts';
import { listAlerts, listAlertsOfMessage } from '../repositories/alerts.ts';
import { listDecisions } from '../repositories/decisions.ts';
import { listAround } from '../repositories/moderated-messages.ts';
import { listReports, listReportsOfMessage } from '../repositories/reports.ts';
import { getReview, listQueue } from '../repositories/reviews.ts';
import type { AuthUser } from '../repositories/users.ts';
import { IdParams, Text, withErrors } from './schemas.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Severity = literals(SEVERITIES);
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};
/** Filters of the queue and of the alerts: a status, a severity, a conversation, and paging. */
const filters = <T extends string, E extends TProperties = {}>(statuses: readonly T[], extra: E = {} as E) =>
  Type.Object({
    status: Type.Optional(literals(statuses)),
    severity: Type.Optional(Severity),
    conversationId: Type.Optional(Text(64, 1)),
    ...extra,
    ...Paging,
  }, { additionalProperties: false });
/** How many messages before and after a reviewed one its detail shows. */
const DETAIL_CONTEXT = 5;

/** The program a coordinator reviews (every review route is for coordinators of their own program). */
function programOf(user: AuthUser): string {
  if (!user.programId) throw new TrellisError('FORBIDDEN', 'Only for coordinators of a program');
  return user.programId;
}

/** The coordinators' review queue, message detail, decisions, alerts and reports. */
const reviewRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;
  const { review } = fastify.moderation;
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.get(
    '/review/queue',
    {
      schema: {
        tags: ['review'],
        summary: 'Messages screening or reports raised: reported first, then most severe, then oldest',
        querystring: filters(['pending', 'escalated', 'resolved'] as const, { category: Type.Optional(Text(64, 1)) }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const programId = programOf(requireRole(request, 'coordinator'));
      const { items, total } = await listQueue(prisma, { programId, ...request.query });
      return {
        total,
        limit: request.query.limit,
        offset: request.query.offset,
        items: items.map(({ message, ...state }) => ({ ...state, message: originalOf(message) })),
      };
    },
  );

  fastify.get(
    '/review/messages/:id',
    { schema: { tags: ['review'], summary: 'A message with its verdict, decisions, reports, alerts and the messages around it', params: IdParams, response: withErrors({}) } },
    async (request) => {
      const message = await review.messageFor(requireRole(request, 'coordinator'), request.params.id);
      const [state, decisions, reports, alerts, around] = await Promise.all([
        getReview(prisma, message.id),
        listDecisions(prisma, message.id),
        listReportsOfMessage(prisma, message.id),
        listAlertsOfMessage(prisma, message.id),
        listAround(prisma, message.conversationId, message.seq, DETAIL_CONTEXT, DETAIL_CONTEXT),
      ]);
      return {
        message: { ...originalOf(message), conversationId: message.conversationId, mentorshipId: message.conversation.mentorshipId, severity: message.severity, categories: message.categories },
        verdict: message.verdict,
        review: state,
        decisions,
        reports,
        alerts,
        context: { before: around.before.map(originalOf), after: around.after.map(originalOf) },
      };
    },
  );

  fastify.post(
    '/review/messages/:id/decisions',
    {
      schema: {
        tags: ['review'],
        summary: 'Approve, reject, redact, escalate or dismiss; recorded as a new decision and applied live',
        params: IdParams,
        body: Type.Object({
          action: literals(REVIEW_ACTIONS),
          reason: Text(2000, 1),
          /** For `redact`: ranges of the original text to mask (default: what screening found, else all). */
          spans: Type.Optional(Type.Array(Type.Object({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), { maxItems: 100 })),
        }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const decided = await review.decide(requireRole(request, 'coordinator'), request.params.id, request.body);
      return reply.status(201).send(decided);
    },
  );

  fastify.get(
    '/review/alerts',
    {
      schema: {
        tags: ['review'],
        summary: "Alerts of the coordinator's program, newest first",
        querystring: filters(['open', 'acknowledged', 'resolved'] as const),
        response: withErrors({}),
      },
    },
    async (request) => {
      const programId = programOf(requireRole(request, 'coordinator'));
      const page = await listAlerts(prisma, { programId, ...request.query });
      return { ...page, limit: request.query.limit, offset: request.query.offset };
    },
  );

  for (const [verb, status] of [['acknowledge', 'acknowledged'], ['resolve', 'resolved']] as const) {
    fastify.post(
      `/review/alerts/:id/${verb}`,
      { schema: { tags: ['review'], summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} an alert`, params: IdParams, response: withErrors({}) } },
      async (request) => review.moveAlert(requireRole(request, 'coordinator'), request.params.id, status),
    );
  }

  fastify.get(
    '/review/reports',
    {
      schema: {
        tags: ['review'],
        summary: "Members' reports in the coordinator's program: high priority (students') first",
        querystring: Type.Object({ priority: Type.Optional(literals(['normal', 'high'] as const)), ...Paging }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const programId = programOf(requireRole(request, 'coordinator'));
      const page = await listReports(prisma, { programId, ...request.query });
      return { ...page, limit: request.query.limit, offset: request.query.offset };
    },
  );
};

export default reviewRoutes;
