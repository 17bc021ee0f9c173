/** Helpers for the media tests: a VideoService on real workers, a table-backed access double, fake clients. */
import { pino } from 'pino';
import type { Test } from 'tap';
import type { VideoAccess, VideoAccessDecision, VideoAuditEvent } from '../access.ts';
import type { VideoRequest, VideoResults, VideoServerMessage } from '../messages.ts';
import { VideoService, type VideoServiceOptions } from '../signalling.ts';
import { eventually } from '../testing/eventually.ts';
import type { VideoSession } from '../video-session.ts';

/** A logger that prints nothing. */
export const silentLogger = pino({ level: 'silent' });

/** Membership of one mentorship, as the server's database would hold it. */
export interface FakeMentorship {
  /** The mentor's user id. */
  host: string;
  /** Students' user ids. */
  participants: string[];
  /** Coordinators' user ids. */
  observers?: string[];
  /** Cap on host + participants; default 6. */
  maxParticipants?: number;
}

/** The test's double of the server's database-backed VideoAccess: a table of mentorships. */
export class TableAccess implements VideoAccess {
  readonly #mentorships: Record<string, FakeMentorship>;

  /** @param mentorships room id → membership. */
  constructor(mentorships: Record<string, FakeMentorship>) {
    this.#mentorships = mentorships;
  }

  /** Refuses strangers with VIDEO_NOT_ALLOWED. */
  async decide(userId: string, roomId: string): Promise<VideoAccessDecision> {
    const m = this.#mentorships[roomId];
    const as = !m ? undefined : m.host === userId ? 'host' : m.participants.includes(userId) ? 'participant' : m.observers?.includes(userId) ? 'observer' : undefined;
    if (!m || !as) return { allowed: false, code: 'VIDEO_NOT_ALLOWED' };
    return { allowed: true, as, maxParticipants: m.maxParticipants ?? 6, oneToOne: m.participants.length === 1 };
  }
}

/** A started VideoService and the audit events it emitted. */
export interface VideoFixture {
  /** The service (closed at teardown). */
  video: VideoService;
  /** Every audit event, in order. */
  audit: VideoAuditEvent[];
  /** A fake client for `userId`, its socket attached. */
  client(userId: string, role?: 'student' | 'mentor' | 'coordinator' | 'admin'): FakeClient;
}

/** Starts a VideoService on one worker (unless told otherwise) with a TableAccess; closes it at teardown. */
export async function startVideo(
  t: Test,
  mentorships: Record<string, FakeMentorship>,
  options: Partial<VideoServiceOptions> = {},
): Promise<VideoFixture> {
  const audit: VideoAuditEvent[] = [];
  const video = await VideoService.create({
    numWorkers: 1,
    logLevel: 'warn',
    rtcMinPort: 20000,
    rtcMaxPort: 29999,
    access: new TableAccess(mentorships),
    audit: (event) => audit.push(event),
    logger: silentLogger,
    ...options,
  });
  t.teardown(() => video.close());
  return { video, audit, client: (userId, role = 'student') => new FakeClient(video, userId, role) };
}

type Body<K extends VideoRequest['type']> = Omit<Extract<VideoRequest, { type: K }>, 'type' | 'requestId'>;
type Response = Extract<VideoServerMessage, { type: 'video.response' }>;

/** A socket's stand-in: sends requests through a VideoSession and records what the server sends back. */
export class FakeClient {
  /** Every message received, in order. */
  readonly received: VideoServerMessage[] = [];
  /** The session under test. */
  readonly session: VideoSession;
  #nextId = 1;

  /** Attaches a session for `userId`. */
  constructor(video: VideoService, userId: string, role: 'student' | 'mentor' | 'coordinator' | 'admin') {
    this.session = video.attach({ userId, role, send: (message) => this.received.push(message) });
  }

  /** Sends a request and returns its response (matched by requestId). */
  async request<K extends VideoRequest['type']>(type: K, body: Body<K> = {} as Body<K>): Promise<Response> {
    const requestId = `r${this.#nextId++}`;
    await this.session.handle({ type, requestId, ...body });
    const response = this.received.find((m): m is Response => m.type === 'video.response' && m.requestId === requestId);
    if (!response) throw new Error(`no response to ${type}`);
    return response;
  }

  /** Like request(), but returns the data of a successful response and throws on an error response. */
  async ok<K extends VideoRequest['type']>(type: K, body?: Body<K>): Promise<VideoResults[K]> {
    const response = await this.request(type, body);
    if (!response.ok) throw new Error(`${type} failed: ${response.error.code} ${response.error.message}`);
    // The server sends VideoResults[K] for a successful K (checked by the tests' assertions).
    return response.data as VideoResults[K];
  }

  /** The error code of a request expected to fail (undefined if it succeeded). */
  async errorCode<K extends VideoRequest['type']>(type: K, body?: Body<K>): Promise<string | undefined> {
    const response = await this.request(type, body);
    return response.ok ? undefined : response.error.code;
  }

  /** Waits for a notification of this type matching `where`, and returns it. */
  async notified<K extends VideoServerMessage['type']>(
    type: K,
    where: (m: Extract<VideoServerMessage, { type: K }>) => boolean = () => true,
  ): Promise<Extract<VideoServerMessage, { type: K }>> {
    return eventually(`${type} notification`, () =>
      this.received.find((m): m is Extract<VideoServerMessage, { type: K }> => m.type === type && where(m as Extract<VideoServerMessage, { type: K }>)),
    );
  }
}

/** VP8 RTP parameters a client could send (enough for mediasoup to create a producer). */
export function vp8Parameters(ssrc: number) {
  return { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc }] };
}
