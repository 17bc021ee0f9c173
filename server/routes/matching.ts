import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CHANGE_KINDS } from '../bus/bus.ts';
import { TrellisError } from '../errors.ts';
import * as matching from '../matching/matching-service.ts';
import { requireRole, userOf } from '../plugins/auth.ts';
import * as repo from '../repositories/mentorships.ts';
import type { MentorshipView } from '../repositories/mentorships.ts';
import { IdParams, Tags, Text, withErrors } from './schemas.ts';

const MentorshipKind = Type.Union(['one_to_one', 'small_group', 'team', 'large_group'].map((kind) => Type.Literal(kind)));

/** Mentor profiles and search, student requests, and mutual selection into mentorships. */
const matchingRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;
  fastify.addHook('preHandler', fastify.authenticate);

  /** Tells every member of a newly active mentorship to follow its conversation. */
  async function announce(mentorship: MentorshipView): Promise<MentorshipView> {
    const conversationId = mentorship.conversation?.id;
    if (mentorship.status === 'active' && conversationId) {
      await Promise.all(
        mentorship.members.map((m) => fastify.bus.notifyUser({ userId: m.userId, kind: 'conversation.added', conversationId })),
      );
    }
    return mentorship;
  }

  fastify.put(
    '/me/mentor-profile',
    {
      schema: {
        tags: ['mentors'],
        summary: 'A mentor edits its profile',
        body: Type.Object(
          {
            headline: Type.Optional(Text(200)),
            summary: Type.Optional(Text(4000)),
            interests: Type.Optional(Text(2000)),
            mentorshipTypes: Type.Optional(Tags),
            categories: Type.Optional(Tags),
            capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 40 })),
          },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request) => repo.updateMentorProfile(prisma, requireRole(request, 'mentor').id, request.body),
  );

  fastify.get(
    '/mentors',
    {
      schema: {
        tags: ['mentors'],
        summary: 'Search vetted mentors of your program by mentorship type and categories, ranked by overlap',
        querystring: Type.Object({
          type: Type.Optional(Text(64, 1)),
          categories: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated' })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const categories = request.query.categories?.split(',').map((c) => c.trim()).filter(Boolean);
      return matching.searchMentors(prisma, userOf(request), { ...request.query, categories });
    },
  );

  fastify.post(
    '/requests',
    {
      schema: {
        tags: ['requests'],
        summary: 'A student posts a career question or a project/research description',
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('question'), Type.Literal('project'), Type.Literal('research')]),
            title: Text(200, 1),
            description: Text(8000, 1),
            mentorshipType: Text(64, 1),
            categories: Tags,
          },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request, reply) => reply.status(201).send(await repo.createStudentRequest(prisma, requireRole(request, 'student').id, request.body)),
  );

  fastify.get(
    '/requests',
    { schema: { tags: ['requests'], summary: "A student's own requests; mentors and coordinators see their program's" } },
    async (request) => {
      const user = userOf(request);
      if (user.role === 'student') return repo.listStudentRequests(prisma, { studentId: user.id });
      if (!user.programId) return [];
      return repo.listStudentRequests(prisma, { programId: user.programId });
    },
  );

  fastify.post(
    '/requests/:id/offers',
    {
      schema: {
        tags: ['requests'],
        summary: "A mentor offers to mentor a student's request (the student must accept)",
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Text(2000)) }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await matching.offerMentorship(prisma, userOf(request), { requestId: request.params.id, ...request.body })),
  );

  fastify.post(
    '/mentorships',
    {
      schema: {
        tags: ['mentorships'],
        summary: 'A student asks a mentor (the mentor must accept)',
        body: Type.Object(
          { mentorId: Text(64, 1), requestId: Type.Optional(Text(64, 1)), note: Type.Optional(Text(2000)) },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request, reply) => reply.status(201).send(await matching.proposeMentorship(prisma, userOf(request), request.body)),
  );

  fastify.get(
    '/mentorships',
    { schema: { tags: ['mentorships'], summary: "Your mentorships; a coordinator's whole program" } },
    async (request) => {
      const user = userOf(request);
      if (user.role === 'coordinator' && user.programId) return repo.listMentorships(prisma, { programId: user.programId });
      return repo.listMentorships(prisma, { userId: user.id });
    },
  );

  fastify.get(
    '/mentorships/:id',
    { schema: { tags: ['mentorships'], params: IdParams, response: withErrors({}) } },
    async (request) => {
      const mentorship = await repo.getMentorship(prisma, request.params.id);
      if (!mentorship || !matching.canViewMentorship(userOf(request), mentorship)) throw new TrellisError('NOT_FOUND');
      return mentorship;
    },
  );

  fastify.post(
    '/mentorships/:id/accept',
    {
      schema: {
        tags: ['mentorships'],
        summary: 'The asked side accepts; refused unless the mentor is vetted and guardian agreements are signed',
        params: IdParams,
        response: withErrors({}),
      },
    },
    async (request) => announce(await matching.acceptMentorship(prisma, userOf(request), request.params.id)),
  );

  fastify.post(
    '/mentorships/:id/decline',
    { schema: { tags: ['mentorships'], summary: 'The asked side declines', params: IdParams, response: withErrors({}) } },
    async (request) => matching.declineMentorship(prisma, userOf(request), request.params.id),
  );

  fastify.post(
    '/mentorships/groups',
    {
      schema: {
        tags: ['coordinators'],
        summary: 'A coordinator forms a group mentorship (at most 4 students per adult in small groups and teams)',
        body: Type.Object(
          {
            kind: MentorshipKind,
            mentorIds: Type.Array(Text(64, 1), { minItems: 1, maxItems: 20 }),
            studentIds: Type.Array(Text(64, 1), { minItems: 1, maxItems: 200 }),
            note: Type.Optional(Text(2000)),
          },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const coordinator = requireRole(request, 'coordinator');
      const body = { ...request.body, kind: request.body.kind as MentorshipView['kind'] };
      return reply.status(201).send(await announce(await matching.formGroupMentorship(prisma, coordinator, body)));
    },
  );

  fastify.post(
    '/mentorships/:id/end',
    {
      schema: {
        tags: ['coordinators'],
        summary: 'A coordinator ends a mentorship; its conversation becomes read-only',
        params: IdParams,
        body: Type.Object({ reason: Text(2000, 1) }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request) => {
      const ended = await matching.endMentorship(prisma, requireRole(request, 'coordinator'), request.params.id, request.body.reason);
      // Every node's caches drop the conversation's access: it is read-only now.
      if (ended.conversation) await fastify.bus.deliverToConversation({ conversationId: ended.conversation.id, kind: CHANGE_KINDS.access });
      return ended;
    },
  );
};

export default matchingRoutes;
