import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyPassword } from '../auth/password.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { CloseCode, TrellisError } from '../errors.ts';
import { tokenOf, userOf } from '../plugins/auth.ts';
import { createSession, findUserForLogin, getUserProfile, revokeSession } from '../repositories/users.ts';
import { withErrors } from './schemas.ts';

const User = Type.Object({ id: Type.String(), displayName: Type.String(), role: Type.String(), programId: Type.Union([Type.String(), Type.Null()]) });

/** Password login, logout and the current user. */
const authRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { prisma } = fastify.db;

  fastify.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password; returns a token for HTTP (Bearer) and the socket (?token=)',
        body: Type.Object(
          { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: User }) }),
      },
    },
    async (request) => {
      const found = await findUserForLogin(prisma, request.body.email);
      // NOTE: verify even for an unknown email, so timing does not reveal which emails exist.
      const valid = await verifyPassword(request.body.password, found?.passwordHash ?? 'scrypt$16384$8$1$AAAA$AAAA');
      if (!found || !valid) throw new TrellisError('INVALID_CREDENTIALS');
      const token = newToken();
      const expiresAt = new Date(Date.now() + fastify.config.TOKEN_TTL_MINUTES * 60_000);
      await createSession(prisma, found.id, hashToken(token), expiresAt);
      const { passwordHash: _hash, ...user } = found;
      return { token, expiresAt: expiresAt.toISOString(), user };
    },
  );

  fastify.post(
    '/auth/logout',
    {
      preHandler: fastify.authenticate,
      schema: { tags: ['auth'], summary: 'Revoke the token; open sockets of the user are closed', response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const user = userOf(request);
      await revokeSession(prisma, hashToken(tokenOf(request) ?? ''), new Date());
      // This node forgets the session at once; the others when the bus brings the logout.
      fastify.caches.sessions.forgetUser(user.id);
      await fastify.bus.notifyUser({ userId: user.id, kind: 'logout', closeCode: CloseCode.UNAUTHENTICATED });
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/me',
    { preHandler: fastify.authenticate, schema: { tags: ['auth'], summary: 'The current user and its profile' } },
    async (request) => getUserProfile(prisma, userOf(request).id),
  );
};

export default authRoutes;
