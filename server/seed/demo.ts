/**
 * The demo program the quick start shows: one program, a coordinator, three vetted mentors, six
 * students with signed guardian agreements, a one-to-one mentorship, a small group and a pending
 * request. Every demo account's password is `trellis-demo`.
 */
import { hashPassword } from '../auth/password.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { createMentorship } from '../repositories/mentorships.ts';
import { createUser } from '../repositories/users.ts';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'trellis-demo';

const MENTORS = [
  { key: 'maya', name: 'Maya Okafor', headline: 'Civil engineer, bridges and transit', types: ['career_exploration', 'project_design'], categories: ['engineering', 'architecture_construction'] },
  { key: 'daniel', name: 'Daniel Reyes', headline: 'Nurse practitioner', types: ['career_exploration', 'college_career_planning'], categories: ['health_science'] },
  { key: 'priya', name: 'Priya Natarajan', headline: 'Software developer and data scientist', types: ['project_design', 'research'], categories: ['information_technology', 'stem'] },
];

const STUDENTS = [
  { key: 'ava', name: 'Ava Thompson', grade: 11 },
  { key: 'liam', name: 'Liam Chen', grade: 10 },
  { key: 'sofia', name: 'Sofia Garcia', grade: 12 },
  { key: 'noah', name: 'Noah Williams', grade: 11 },
  { key: 'zara', name: 'Zara Ahmed', grade: 10 },
  { key: 'eli', name: 'Eli Johnson', grade: 9 },
];

/** Email of a demo account by its short name, e.g. `ava` → `ava@demo.trellis.school`. */
export function demoEmail(key: string): string {
  return `${key}@demo.trellis.school`;
}

/** Seeds the demo program unless any program exists; returns whether it seeded. */
export async function seedDemo(prisma: PrismaClient): Promise<boolean> {
  if ((await prisma.program.count()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = new Date();
  await prisma.$transaction(async (tx) => {
    const program = await tx.program.create({ data: { name: 'Lincoln High Career Mentoring' } });
    const account = (key: string, name: string, role: 'coordinator' | 'mentor' | 'student' | 'admin') =>
      createUser(tx, { email: demoEmail(key), displayName: name, passwordHash, role, programId: role === 'admin' ? null : program.id });
    await account('admin', 'Trellis Admin', 'admin');
    const coordinator = await account('coordinator', 'Grace Park', 'coordinator');
    const mentors = [];
    for (const mentor of MENTORS) {
      const user = await account(mentor.key, mentor.name, 'mentor');
      await tx.mentorProfile.update({
        where: { userId: user.id },
        data: {
          headline: mentor.headline,
          summary: `${mentor.name} volunteers with Lincoln High students.`,
          mentorshipTypes: mentor.types,
          categories: mentor.categories,
          backgroundCheckClearedAt: now,
          backgroundCheckClearedBy: coordinator.id,
          trainingCompletedAt: now,
        },
      });
      mentors.push(user);
    }
    const students = [];
    for (const student of STUDENTS) {
      const user = await account(student.key, student.name, 'student');
      await tx.studentProfile.update({
        where: { userId: user.id },
        data: { gradeLevel: student.grade, guardianName: `Guardian of ${student.name}`, guardianAgreementAt: now, guardianAgreementRecordedBy: coordinator.id },
      });
      students.push(user);
    }
    const [maya, , priya] = mentors;
    const [ava, liam, sofia, noah, zara] = students;
    await createMentorship(tx, {
      programId: program.id,
      kind: 'one_to_one',
      status: 'active',
      proposedById: ava!.id,
      note: 'Ava wants to explore civil engineering.',
      members: [
        { userId: ava!.id, role: 'student', accepted: true },
        { userId: maya!.id, role: 'mentor', accepted: true },
      ],
    });
    await createMentorship(tx, {
      programId: program.id,
      kind: 'small_group',
      status: 'active',
      proposedById: coordinator.id,
      note: 'Robotics club data project.',
      members: [
        { userId: priya!.id, role: 'mentor', accepted: true },
        ...[liam, sofia, noah, zara].map((s) => ({ userId: s!.id, role: 'student' as const, accepted: true })),
      ],
    });
    await tx.studentRequest.create({
      data: {
        studentId: students[5]!.id,
        kind: 'question',
        title: 'What does a nurse do day to day?',
        description: 'I am thinking about nursing school and want to know what the job is really like.',
        mentorshipType: 'career_exploration',
        categories: ['health_science'],
      },
    });
  });
  return true;
}
