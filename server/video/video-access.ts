/**
 * Who may join which video room, from the database. A room is a mentorship: its active members join
 * (the mentor as host, students as participants), the program's coordinators observe, nobody else.
 * A one-to-one session (one mentor, one student) needs the program to allow it.
 */
import type { VideoAccess, VideoAccessDecision } from '../../media/access.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { getMentorship } from '../repositories/mentorships.ts';

const REFUSED: VideoAccessDecision = { allowed: false, code: 'VIDEO_NOT_ALLOWED' };

/** Called when a one-to-one session may start, so coordinators can be told and join. */
export type OneToOneListener = (session: { programId: string; mentorshipId: string; userId: string }) => void;

/** Builds the database-backed access policy. */
export function databaseVideoAccess(prisma: PrismaClient, onOneToOne: OneToOneListener): VideoAccess {
  return {
    async decide(userId: string, roomId: string): Promise<VideoAccessDecision> {
      const [mentorship, user] = await Promise.all([
        getMentorship(prisma, roomId),
        prisma.user.findUnique({ where: { id: userId }, select: { role: true, programId: true } }),
      ]);
      if (!mentorship || !user || mentorship.status !== 'active') return REFUSED;
      const mentors = mentorship.members.filter((m) => m.role === 'mentor').length;
      const students = mentorship.members.length - mentors;
      const oneToOne = mentors === 1 && students === 1;
      const base = { maxParticipants: mentorship.members.length, oneToOne };
      if (user.role === 'coordinator' && user.programId === mentorship.programId) return { allowed: true, as: 'observer', ...base };
      const member = mentorship.members.find((m) => m.userId === userId);
      if (!member) return REFUSED;
      if (oneToOne) {
        const program = await prisma.program.findUnique({ where: { id: mentorship.programId }, select: { videoOneToOneAllowed: true } });
        if (!program?.videoOneToOneAllowed) return REFUSED;
        onOneToOne({ programId: mentorship.programId, mentorshipId: mentorship.id, userId });
      }
      return { allowed: true, as: member.role === 'mentor' ? 'host' : 'participant', ...base };
    },
  };
}
