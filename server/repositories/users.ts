/** Users, their login sessions and their profiles. */
import type { Role } from '../generated/prisma/enums.ts';
import type { Db } from '../db/client.ts';

/** The identity the server acts for, taken from a verified token only. */
export interface AuthUser {
  id: string;
  role: Role;
  programId: string | null;
  displayName: string;
}

const AUTH_FIELDS = { id: true, role: true, programId: true, displayName: true } as const;

/** Finds a user and its password hash by email (case-insensitive: emails are stored lower-case). */
export function findUserForLogin(db: Db, email: string) {
  return db.user.findUnique({ where: { email: email.toLowerCase() }, select: { ...AUTH_FIELDS, passwordHash: true } });
}

/** Creates a user with the given role; a mentor or student gets an empty profile. */
export async function createUser(
  db: Db,
  input: { email: string; displayName: string; passwordHash: string; role: Role; programId: string | null },
): Promise<AuthUser> {
  return db.user.create({
    data: {
      ...input,
      email: input.email.toLowerCase(),
      mentor: input.role === 'mentor' ? { create: { mentorshipTypes: [], categories: [] } } : undefined,
      student: input.role === 'student' ? { create: {} } : undefined,
    },
    select: AUTH_FIELDS,
  });
}

/** Stores a new login session by the SHA-256 of its token. */
export async function createSession(db: Db, userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.authSession.create({ data: { userId, tokenHash, expiresAt } });
}

/** A valid login session: its user and when it expires. */
export interface ValidSession {
  user: AuthUser;
  expiresAt: Date;
}

/** The user and expiry of an unexpired, unrevoked session, or null. */
export async function findSession(db: Db, tokenHash: string, now: Date): Promise<ValidSession | null> {
  const session = await db.authSession.findUnique({
    where: { tokenHash },
    select: { expiresAt: true, revokedAt: true, user: { select: AUTH_FIELDS } },
  });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  return { user: session.user, expiresAt: session.expiresAt };
}

/** Revokes a session; returns whether one was revoked. */
export async function revokeSession(db: Db, tokenHash: string, now: Date): Promise<boolean> {
  const { count } = await db.authSession.updateMany({ where: { tokenHash, revokedAt: null }, data: { revokedAt: now } });
  return count > 0;
}

/** A user's public view with the profile matching its role. */
export function getUserProfile(db: Db, userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      displayName: true,
      role: true,
      programId: true,
      mentor: true,
      student: true,
    },
  });
}
