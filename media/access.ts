import type { VideoErrorCode } from './errors.ts';
import type { RemovedReason, RoomRole } from './messages.ts';

/** A user's role in Trellis, as authenticated by the server. */
export type UserRole = 'student' | 'mentor' | 'coordinator' | 'admin';

/** The access policy's answer for one user and one room. */
export type VideoAccessDecision =
  | {
      allowed: false;
      /** Sent to the client as the error code, normally VIDEO_NOT_ALLOWED. */
      code: VideoErrorCode;
    }
  | {
      allowed: true;
      /** host = the mentorship's mentor; participant = one of its students; observer = a coordinator watching. */
      as: RoomRole;
      /** Cap on host + participants in the room (observers are not counted). */
      maxParticipants: number;
      /** Whether the mentorship has exactly one student: its start is announced (audit `video.oneToOneStarted`). */
      oneToOne: boolean;
    };

/**
 * Who may join which video room, implemented by the server from its database. `roomId` is a mentorship
 * id sent by the client: the implementation must treat it as untrusted (unknown id → refuse).
 */
export interface VideoAccess {
  /** Decides whether `userId` may join room `roomId`, and as what. */
  decide(userId: string, roomId: string): Promise<VideoAccessDecision>;
}

interface AuditBase {
  /** Room (mentorship) id. */
  roomId: string;
  /** The user the event is about (for host actions: the host). */
  userId: string;
  /** The user's Trellis role. */
  role: UserRole;
  /** When it happened. */
  at: Date;
}

/**
 * Everything the media layer reports for the audit log. Every join, refusal, leave, produce, mute and
 * removal, and the start of a one-to-one session, produces exactly one event.
 */
export type VideoAuditEvent =
  | (AuditBase & { type: 'video.joined'; as: RoomRole })
  | (AuditBase & { type: 'video.refused'; code: VideoErrorCode })
  | (AuditBase & { type: 'video.left'; reason: 'left' | 'disconnected' | RemovedReason })
  | (AuditBase & { type: 'video.produced'; producerId: string; kind: 'audio' | 'video' })
  | (AuditBase & { type: 'video.participantMuted'; targetUserId: string })
  | (AuditBase & { type: 'video.participantRemoved'; targetUserId: string })
  | (AuditBase & { type: 'video.oneToOneStarted'; participantUserIds: string[] });

/** Receives audit events; must not throw (the server writes them to its audit log). */
export type VideoAudit = (event: VideoAuditEvent) => void;
