import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { hashPassword } from '../auth/password.ts';
import { TrellisError } from '../errors.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { requireRole } from '../plugins/auth.ts';
import { inTransaction } from '../db/client.ts';
import { appendAudit } from '../repositories/audit.ts';
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
      const admin = requireRole(request, 'admin');
      const program = await inTransaction(prisma, async (tx) => {
        const created = await tx.program.create({ data: { name: request.body.name } });
        await appendAudit(tx, { actorId: admin.id, kind: 'program.created', subjectIds: [created.id], data: { name: created.name } });
        return created;
      });
      return reply.status(201).send(program);
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
      const passwordHash = await hashPassword(request.body.password);
      const user = await inTransaction(prisma, async (tx) => {
        const created = await createUser(tx, { email: request.body.email, displayName: request.body.displayName, passwordHash, role, programId });
        await appendAudit(tx, { actorId: actor.id, kind: 'user.created', subjectIds: [created.id], data: { role, programId } });
        return created;
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
      return inTransaction(prisma, async (tx) => {
        const vetting = await recordVetting(tx, request.params.id, {
          backgroundCheckClearedAt: request.body.backgroundCheckCleared ? now : null,
          trainingCompletedAt: request.body.trainingCompleted ? now : null,
          recordedBy: coordinator.id,
        });
        await appendAudit(tx, { actorId: coordinator.id, kind: 'mentor.vetting', subjectIds: [request.params.id], at: now, data: { ...request.body } });
        return vetting;
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
      return inTransaction(prisma, async (tx) => {
        const agreement = await recordGuardianAgreement(tx, request.params.id, {
          guardianName: request.body.guardianName,
          signedAt: new Date(request.body.signedAt),
          recordedBy: coordinator.id,
        });
        await appendAudit(tx, { actorId: coordinator.id, kind: 'student.guardian_agreement', subjectIds: [request.params.id], data: { signedAt: request.body.signedAt } });
        return agreement;
      });
    },
  );
};

export default programRoutes;
