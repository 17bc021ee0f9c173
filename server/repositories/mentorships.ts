/** Mentor profiles, student requests and mentorships with their conversations. */
import type { MentorshipKind, Prisma, RequestKind } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

const MEMBER_FIELDS = {
  userId: true,
  role: true,
  accepted: true,
  user: { select: { displayName: true } },
} as const;

/** The fields of a mentorship that clients see. */
export const MENTORSHIP_VIEW = {
  id: true,
  programId: true,
  kind: true,
  status: true,
  requestId: true,
  proposedById: true,
  note: true,
  createdAt: true,
  activatedAt: true,
  endedAt: true,
  endReason: true,
  members: { select: MEMBER_FIELDS },
  conversation: { select: { id: true } },
} as const satisfies Prisma.MentorshipSelect;

/** A mentorship as clients see it. */
export type MentorshipView = Prisma.MentorshipGetPayload<{ select: typeof MENTORSHIP_VIEW }>;

/** Updates the editable part of a mentor's profile. */
export function updateMentorProfile(
  db: Db,
  userId: string,
  data: { headline?: string; summary?: string; interests?: string; mentorshipTypes?: string[]; categories?: string[]; capacity?: number },
) {
  return db.mentorProfile.update({ where: { userId }, data });
}

/** Vetted mentors of a program, optionally offering a type or any of some categories. */
export function findVettedMentors(db: Db, programId: string, filter: { type?: string; categories?: string[] }) {
  const where: Prisma.MentorProfileWhereInput = {
    backgroundCheckClearedAt: { not: null },
    trainingCompletedAt: { not: null },
    user: { programId, role: 'mentor' },
  };
  const alternatives: Prisma.MentorProfileWhereInput[] = [];
  if (filter.type) alternatives.push({ mentorshipTypes: { has: filter.type } });
  if (filter.categories?.length) alternatives.push({ categories: { hasSome: filter.categories } });
  if (alternatives.length) where.OR = alternatives;
  return db.mentorProfile.findMany({ where, include: { user: { select: { displayName: true } } } });
}

/** Records a student's career question or project. */
export function createStudentRequest(
  db: Db,
  studentId: string,
  input: { kind: RequestKind; title: string; description: string; mentorshipType: string; categories: string[] },
) {
  return db.studentRequest.create({ data: { studentId, ...input } });
}

/** Student requests visible to a viewer: a student's own, or every request of a program. */
export function listStudentRequests(db: Db, filter: { studentId?: string; programId?: string }) {
  return db.studentRequest.findMany({
    where: { studentId: filter.studentId, student: filter.programId ? { programId: filter.programId } : undefined },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
}

/** One student request. */
export function getStudentRequest(db: Db, id: string) {
  return db.studentRequest.findUnique({ where: { id } });
}

/** Creates a mentorship with its members (each with whether it has already agreed). */
export function createMentorship(
  db: Db,
  input: {
    programId: string;
    kind: MentorshipKind;
    status: 'proposed' | 'active';
    proposedById: string;
    requestId?: string;
    note?: string;
    members: { userId: string; role: 'mentor' | 'student'; accepted: boolean }[];
  },
): Promise<MentorshipView> {
  const { members, ...fields } = input;
  return db.mentorship.create({
    data: {
      ...fields,
      activatedAt: input.status === 'active' ? new Date() : null,
      members: { create: members },
      conversation:
        input.status === 'active' ? { create: { members: { create: members.map(({ userId }) => ({ userId })) } } } : undefined,
    },
    select: MENTORSHIP_VIEW,
  });
}

/** One mentorship with its members. */
export function getMentorship(db: Db, id: string): Promise<MentorshipView | null> {
  return db.mentorship.findUnique({ where: { id }, select: MENTORSHIP_VIEW });
}

/** Mentorships a user belongs to, or all of a program's. */
export function listMentorships(db: Db, filter: { userId?: string; programId?: string }): Promise<MentorshipView[]> {
  return db.mentorship.findMany({
    where: {
      programId: filter.programId,
      members: filter.userId ? { some: { userId: filter.userId } } : undefined,
    },
    select: MENTORSHIP_VIEW,
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
}

/** Whether an open (proposed or active) mentorship already joins these two users. */
export async function hasOpenMentorshipBetween(db: Db, mentorId: string, studentId: string): Promise<boolean> {
  const found = await db.mentorship.findFirst({
    where: {
      status: { in: ['proposed', 'active'] },
      AND: [{ members: { some: { userId: mentorId } } }, { members: { some: { userId: studentId } } }],
    },
    select: { id: true },
  });
  return found !== null;
}

/** Activates a proposed mentorship and opens its conversation for every member. */
export function activateMentorship(db: Db, mentorship: MentorshipView): Promise<MentorshipView> {
  return db.mentorship.update({
    where: { id: mentorship.id },
    data: {
      status: 'active',
      activatedAt: new Date(),
      members: { updateMany: { where: {}, data: { accepted: true } } },
      conversation: { create: { members: { create: mentorship.members.map(({ userId }) => ({ userId })) } } },
    },
    select: MENTORSHIP_VIEW,
  });
}

/** Sets a mentorship's status to declined or ended. */
export function closeMentorship(
  db: Db,
  id: string,
  status: 'declined' | 'ended',
  by: string,
  reason: string | null,
): Promise<MentorshipView> {
  return db.mentorship.update({
    where: { id },
    data: { status, endedAt: new Date(), endedById: by, endReason: reason },
    select: MENTORSHIP_VIEW,
  });
}

/** Mentor vetting and student agreement state for the given users (for acceptance checks). */
export function getSafeguardingState(db: Db, userIds: string[]) {
  return db.user.findMany({
    where: { id: { in: userIds } },
    select: {
      id: true,
      role: true,
      programId: true,
      displayName: true,
      mentor: { select: { backgroundCheckClearedAt: true, trainingCompletedAt: true } },
      student: { select: { guardianAgreementAt: true } },
    },
  });
}

/** Records a mentor's background check and training (by a coordinator). */
export function recordVetting(
  db: Db,
  mentorId: string,
  input: { backgroundCheckClearedAt: Date | null; trainingCompletedAt: Date | null; recordedBy: string },
) {
  return db.mentorProfile.update({
    where: { userId: mentorId },
    data: {
      backgroundCheckClearedAt: input.backgroundCheckClearedAt,
      backgroundCheckClearedBy: input.backgroundCheckClearedAt ? input.recordedBy : null,
      trainingCompletedAt: input.trainingCompletedAt,
    },
  });
}

/** Records a guardian's signed mentorship agreement for a student (by a coordinator). */
export function recordGuardianAgreement(
  db: Db,
  studentId: string,
  input: { guardianName: string; signedAt: Date; recordedBy: string },
) {
  return db.studentProfile.update({
    where: { userId: studentId },
    data: { guardianName: input.guardianName, guardianAgreementAt: input.signedAt, guardianAgreementRecordedBy: input.recordedBy },
  });
}
