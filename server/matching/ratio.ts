import type { MentorshipKind } from '../generated/prisma/enums.ts';

/** At most this many students per adult in small-group and team mentoring. */
export const STUDENTS_PER_ADULT = 4;

/** Why a group's make-up is not allowed, or null when it is. */
export function checkGroupShape(kind: MentorshipKind, mentors: number, students: number): string | null {
  if (mentors < 1 || students < 1) return 'a mentorship needs at least one mentor and one student';
  switch (kind) {
    case 'one_to_one':
      return mentors === 1 && students === 1 ? null : 'one-to-one is one mentor and one student';
    case 'small_group':
      if (mentors !== 1) return 'a small group has exactly one mentor';
      return students <= STUDENTS_PER_ADULT ? null : `a small group has at most ${STUDENTS_PER_ADULT} students`;
    case 'team':
      if (mentors < 2) return 'a team has several mentors';
      return students <= STUDENTS_PER_ADULT * mentors ? null : `a team has at most ${STUDENTS_PER_ADULT} students per mentor`;
    case 'large_group':
      // Large groups exceed the ratio by design; they are held in the open, with coordinators observing.
      return null;
    default: {
      const unreachable: never = kind;
      return `unknown kind ${String(unreachable)}`;
    }
  }
}
