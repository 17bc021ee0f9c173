import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { hashPassword } from '../auth/password.ts';
import { TrellisError } from '../errors.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { requireRole } from '../plugins/auth.ts';
import { recordGuardianAgreement, recordVetting, getSafeguardingState } from '../repositories/mentorships.ts';
import { createUser, type AuthUser } from '../repositories/users.ts';
import { IdParams, Text, withErrors } from './schemas.ts';

const RoleSchema = Type.Union(['student', 'mentor', 'coordinator', 'admin'].map((role) => Type.Literal(role)));

/** Programs, accounts, and coordinators' safeguarding records (vetting, guardian agreements). */
const programRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;
  fastify.addHook('preHandler', fastify.authenticate);

  /** A user of the coordinator's own program with the expected role, or NOT_IN_PROGRAM. */
  async function userInProgram(coordinator: AuthUser, userId: string, role: Role) {
    const [user] = await getSafeguardingState(prisma, [userId]);
    if (!user || user.programId !== coordinator.programId) throw new TrellisError('NOT_IN_PROGRAM');
    if (user.role !== role) throw new TrellisError('BAD_REQUEST', `The user is not a ${role}`);
    return user;
  }

  fastify.post(
    '/admin/programs',
    {
      schema: {
        tags: ['admin'],
        summary: 'An admin creates a program',
        body: Type.Object({ name: Text(200, 1) }, { additionalProperties: false }),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(await prisma.program.create({ data: { name: request.body.name } }));
    },
  );

  fastify.post(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'An admin creates any account; a coordinator creates students and mentors of its program',
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 254 }),
            displayName: Text(120, 1),
            password: Text(200, 10),
            role: RoleSchema,
            programId: Type.Optional(Text(64, 1)),
          },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const actor = requireRole(request, 'admin', 'coordinator');
      const role = request.body.role as Role;
      let programId = request.body.programId ?? null;
      if (actor.role === 'coordinator') {
        if (role !== 'student' && role !== 'mentor') throw new TrellisError('FORBIDDEN', 'Coordinators create students and mentors');
        programId = actor.programId;
      }
      const taken = await prisma.user.findUnique({ where: { email: request.body.email.toLowerCase() }, select: { id: true } });
      if (taken) throw new TrellisError('CONFLICT', 'That email is taken');
      const user = await createUser(prisma, {
        email: request.body.email,
        displayName: request.body.displayName,
        passwordHash: await hashPassword(request.body.password),
        role,
        programId,
      });
      return reply.status(201).send(user);
    },
  );

  fastify.get(
    '/program/users',
    { schema: { tags: ['coordinators'], summary: "Every user of the coordinator's program with vetting and agreement state" } },
    async (request) => {
      const coordinator = requireRole(request, 'coordinator');
      return prisma.user.findMany({
        where: { programId: coordinator.programId },
        select: { id: true, email: true, displayName: true, role: true, mentor: true, student: true },
        orderBy: { displayName: 'asc' },
      });
    },
  );

  fastify.put(
    '/users/:id/vetting',
    {
      schema: {
        tags: ['coordinators'],
        summary: "Record a mentor's background check and training",
        params: IdParams,
        body: Type.Object(
          { backgroundCheckCleared: Type.Boolean(), trainingCompleted: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request) => {
      const coordinator = requireRole(request, 'coordinator');
      await userInProgram(coordinator, request.params.id, 'mentor');
      const now = new Date();
      return recordVetting(prisma, request.params.id, {
        backgroundCheckClearedAt: request.body.backgroundCheckCleared ? now : null,
        trainingCompletedAt: request.body.trainingCompleted ? now : null,
        recordedBy: coordinator.id,
      });
    },
  );

  fastify.put(
    '/users/:id/guardian-agreement',
    {
      schema: {
        tags: ['coordinators'],
        summary: "Record a student's signed guardian agreement",
        params: IdParams,
        body: Type.Object(
          { guardianName: Text(200, 1), signedAt: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        response: withErrors({}),
      },
    },
    async (request) => {
      const coordinator = requireRole(request, 'coordinator');
      await userInProgram(coordinator, request.params.id, 'student');
      return recordGuardianAgreement(prisma, request.params.id, {
        guardianName: request.body.guardianName,
        signedAt: new Date(request.body.signedAt),
        recordedBy: coordinator.id,
      });
    },
  );
};

export default programRoutes;
