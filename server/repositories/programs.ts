/** Programs' stored settings. */
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/** The stored moderation policy JSON of a program, or null when the program does not exist. */
export async function getProgramPolicy(db: Db, programId: string): Promise<unknown | null> {
  const program = await db.program.findUnique({ where: { id: programId }, select: { policy: true } });
  return program ? program.policy : null;
}

/** Replaces a program's policy JSON; returns false when the program does not exist. */
export async function setProgramPolicy(db: Db, programId: string, policy: Prisma.InputJsonValue): Promise<boolean> {
  const { count } = await db.program.updateMany({ where: { id: programId }, data: { policy } });
  return count === 1;
}
