import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../generated/prisma/enums.ts';
import { hashToken } from '../auth/tokens.ts';
import { TrellisError } from '../errors.ts';
import type { AuthUser } from '../repositories/users.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user; set by `authenticate`, never from anything else the client sends. */
    user: AuthUser | null;
  }
  interface FastifyInstance {
    /** A preHandler that requires a valid token (Bearer header, or `token` query for WebSocket upgrades). */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

/** The token of a request: `Authorization: Bearer <token>`, or `?token=` where headers cannot be set (browser WebSockets). */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : null;
}

/** The authenticated user of a request, or an UNAUTHENTICATED error. */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.user) throw new TrellisError('UNAUTHENTICATED');
  return request.user;
}

/** The authenticated user, required to have one of the roles (FORBIDDEN otherwise). */
export function requireRole(request: FastifyRequest, ...roles: Role[]): AuthUser {
  const user = userOf(request);
  if (!roles.includes(user.role)) throw new TrellisError('FORBIDDEN', `Only for ${roles.join(' or ')}`);
  return user;
}

/** Resolves tokens to users on the server side (through the node's session cache). */
export default fp(
  async (fastify) => {
    fastify.decorateRequest('user', null);
    fastify.decorate('authenticate', async (request: FastifyRequest) => {
      const token = tokenOf(request);
      const user = token ? await fastify.caches.sessions.user(hashToken(token)) : null;
      if (!user) throw new TrellisError('UNAUTHENTICATED');
      request.user = user;
    });
  },
  { name: 'auth', dependencies: ['caches'] },
);
