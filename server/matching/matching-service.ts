/**
 * Mutual selection between students and mentors, and coordinators' group forming. Every rule the
 * programs require is enforced here: a mentor is never assigned to a student without accepting,
 * contact needs a vetted mentor and a signed guardian agreement, groups respect the ratio.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { MentorshipKind } from '../generated/prisma/enums.ts';
import { inTransaction, type Db } from '../db/client.ts';
import { TrellisError } from '../errors.ts';
import * as repo from '../repositories/mentorships.ts';
import type { MentorshipView } from '../repositories/mentorships.ts';
import type { AuthUser } from '../repositories/users.ts';
import { checkGroupShape } from './ratio.ts';

/** A mentor in search results, with how well it matches. */
export interface MentorMatch {
  mentorId: string;
  displayName: string;
  headline: string;
  summary: string;
  mentorshipTypes: string[];
  categories: string[];
  score: number;
}

/** Ranks a program's vetted mentors by overlap with a type and categories. */
export async function searchMentors(
  db: Db,
  viewer: AuthUser,
  query: { type?: string; categories?: string[]; limit: number },
): Promise<MentorMatch[]> {
  if (!viewer.programId) return [];
  const wanted = new Set(query.categories ?? []);
  const mentors = await repo.findVettedMentors(db, viewer.programId, query);
  return mentors
    .map((profile) => ({
      mentorId: profile.userId,
      displayName: profile.user.displayName,
      headline: profile.headline,
      summary: profile.summary,
      mentorshipTypes: profile.mentorshipTypes,
      categories: profile.categories,
      score:
        (query.type && profile.mentorshipTypes.includes(query.type) ? 1 : 0) +
        profile.categories.filter((category) => wanted.has(category)).length,
    }))
    .sort((a, b) => b.score - a.score || a.displayName.localeCompare(b.displayName))
    .slice(0, query.limit);
}

type SafeguardingState = Awaited<ReturnType<typeof repo.getSafeguardingState>>[number];

function assertCanMeet(users: SafeguardingState[]): void {
  for (const user of users) {
    if (user.role === 'mentor' && (!user.mentor?.backgroundCheckClearedAt || !user.mentor.trainingCompletedAt)) {
      throw new TrellisError('MENTOR_NOT_VETTED', undefined, { userId: user.id });
    }
    if (user.role === 'student' && !user.student?.guardianAgreementAt) {
      throw new TrellisError('GUARDIAN_AGREEMENT_MISSING', undefined, { userId: user.id });
    }
  }
}

/**
 * Proposes a one-to-one mentorship between a student and a mentor, agreed by the side that proposed
 * it; refused while the two already have an open one.
 */
async function proposeOneToOne(
  tx: Db,
  input: { programId: string; studentId: string; mentorId: string; by: 'student' | 'mentor'; requestId?: string; note?: string },
): Promise<MentorshipView> {
  if (await repo.hasOpenMentorshipBetween(tx, input.mentorId, input.studentId)) {
    throw new TrellisError('CONFLICT', `You already have an open mentorship with this ${input.by === 'student' ? 'mentor' : 'student'}`);
  }
  return repo.createMentorship(tx, {
    programId: input.programId,
    kind: 'one_to_one',
    status: 'proposed',
    proposedById: input.by === 'student' ? input.studentId : input.mentorId,
    requestId: input.requestId,
    note: input.note,
    members: [
      { userId: input.studentId, role: 'student', accepted: input.by === 'student' },
      { userId: input.mentorId, role: 'mentor', accepted: input.by === 'mentor' },
    ],
  });
}

/** A student asks a mentor of the same program; the mentorship stays proposed until the mentor accepts. */
export async function proposeMentorship(
  prisma: PrismaClient,
  student: AuthUser,
  input: { mentorId: string; requestId?: string; note?: string },
): Promise<MentorshipView> {
  if (student.role !== 'student') throw new TrellisError('FORBIDDEN', 'Only students ask mentors');
  return inTransaction(prisma, async (tx) => {
    const [mentor] = await repo.getSafeguardingState(tx, [input.mentorId]);
    if (!mentor || mentor.role !== 'mentor' || !student.programId || mentor.programId !== student.programId) {
      throw new TrellisError('NOT_FOUND', 'No such mentor in your program');
    }
    if (input.requestId) {
      const request = await repo.getStudentRequest(tx, input.requestId);
      if (!request || request.studentId !== student.id) throw new TrellisError('NOT_FOUND', 'No such request of yours');
    }
    return proposeOneToOne(tx, { programId: student.programId!, studentId: student.id, mentorId: mentor.id, by: 'student', requestId: input.requestId, note: input.note });
  });
}

/** A mentor offers to mentor a student's open request; the mentorship stays proposed until the student accepts. */
export async function offerMentorship(
  prisma: PrismaClient,
  mentor: AuthUser,
  input: { requestId: string; note?: string },
): Promise<MentorshipView> {
  if (mentor.role !== 'mentor') throw new TrellisError('FORBIDDEN', 'Only mentors offer mentorship');
  return inTransaction(prisma, async (tx) => {
    const request = await repo.getStudentRequest(tx, input.requestId);
    const [student] = request ? await repo.getSafeguardingState(tx, [request.studentId]) : [];
    if (!request || !student || !mentor.programId || student.programId !== mentor.programId) {
      throw new TrellisError('NOT_FOUND', 'No such request in your program');
    }
    if (request.status !== 'open') throw new TrellisError('CONFLICT', `The request is ${request.status}`);
    return proposeOneToOne(tx, { programId: mentor.programId, studentId: student.id, mentorId: mentor.id, by: 'mentor', requestId: input.requestId, note: input.note });
  });
}

async function awaitingAnswerFrom(db: Db, user: AuthUser, mentorshipId: string): Promise<MentorshipView> {
  const mentorship = await repo.getMentorship(db, mentorshipId);
  const member = mentorship?.members.find((m) => m.userId === user.id);
  if (!mentorship || !member) throw new TrellisError('NOT_FOUND', 'No such mentorship of yours');
  if (mentorship.status !== 'proposed') throw new TrellisError('CONFLICT', `The mentorship is ${mentorship.status}`);
  if (member.accepted) throw new TrellisError('CONFLICT', 'You already agreed; the other side must answer');
  return mentorship;
}

/**
 * The asked side (the mentor a student asked, or the student a mentor offered to) accepts: refused
 * unless the mentor is vetted and every student has a guardian agreement. Opens the conversation.
 */
export function acceptMentorship(prisma: PrismaClient, user: AuthUser, mentorshipId: string): Promise<MentorshipView> {
  return inTransaction(prisma, async (tx) => {
    const mentorship = await awaitingAnswerFrom(tx, user, mentorshipId);
    assertCanMeet(await repo.getSafeguardingState(tx, mentorship.members.map((m) => m.userId)));
    const active = await repo.activateMentorship(tx, mentorship);
    if (active.requestId) await tx.studentRequest.update({ where: { id: active.requestId }, data: { status: 'matched' } });
    return active;
  });
}

/** The asked side declines. */
export function declineMentorship(prisma: PrismaClient, user: AuthUser, mentorshipId: string): Promise<MentorshipView> {
  return inTransaction(prisma, async (tx) => {
    await awaitingAnswerFrom(tx, user, mentorshipId);
    return repo.closeMentorship(tx, mentorshipId, 'declined', user.id, null);
  });
}

/** A coordinator forms a group mentorship within the ratio; all members must be cleared for contact. */
export function formGroupMentorship(
  prisma: PrismaClient,
  coordinator: AuthUser,
  input: { kind: MentorshipKind; mentorIds: string[]; studentIds: string[]; note?: string },
): Promise<MentorshipView> {
  const mentorIds = [...new Set(input.mentorIds)];
  const studentIds = [...new Set(input.studentIds)];
  const shapeProblem = checkGroupShape(input.kind, mentorIds.length, studentIds.length);
  if (shapeProblem) throw new TrellisError('RATIO_EXCEEDED', shapeProblem);
  return inTransaction(prisma, async (tx) => {
    const users = await repo.getSafeguardingState(tx, [...mentorIds, ...studentIds]);
    for (const id of [...mentorIds, ...studentIds]) {
      const user = users.find((u) => u.id === id);
      const expected = mentorIds.includes(id) ? 'mentor' : 'student';
      if (!user || user.programId !== coordinator.programId) throw new TrellisError('NOT_IN_PROGRAM', undefined, { userId: id });
      if (user.role !== expected) throw new TrellisError('BAD_REQUEST', `${id} is not a ${expected}`);
    }
    assertCanMeet(users);
    return repo.createMentorship(tx, {
      programId: coordinator.programId!,
      kind: input.kind,
      status: 'active',
      proposedById: coordinator.id,
      note: input.note,
      members: [
        ...mentorIds.map((userId) => ({ userId, role: 'mentor' as const, accepted: true })),
        ...studentIds.map((userId) => ({ userId, role: 'student' as const, accepted: true })),
      ],
    });
  });
}

/** Whether a user may see a mentorship: a member, or a coordinator of its program. */
export function canViewMentorship(viewer: AuthUser, mentorship: MentorshipView): boolean {
  if (viewer.role === 'admin') return true;
  if (viewer.role === 'coordinator') return viewer.programId === mentorship.programId;
  return mentorship.members.some((member) => member.userId === viewer.id);
}

/** A coordinator of the program ends an active or proposed mentorship; its conversation becomes read-only. */
export function endMentorship(
  prisma: PrismaClient,
  coordinator: AuthUser,
  mentorshipId: string,
  reason: string,
): Promise<MentorshipView> {
  return inTransaction(prisma, async (tx) => {
    const mentorship = await repo.getMentorship(tx, mentorshipId);
    if (!mentorship || !canViewMentorship(coordinator, mentorship)) throw new TrellisError('NOT_FOUND');
    if (mentorship.status === 'ended' || mentorship.status === 'declined') {
      throw new TrellisError('CONFLICT', `The mentorship is already ${mentorship.status}`);
    }
    return repo.closeMentorship(tx, mentorshipId, 'ended', coordinator.id, reason);
  });
}
