/** Prisma types shared by repository modules. */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The client or an open transaction: repository functions accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** Runs `work` in one transaction (a repository helper for services that combine several writes). */
export function inTransaction<T>(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, { maxWait: 10_000, timeout: 20_000 });
}
