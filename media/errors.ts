/** Stable error codes of the video signalling protocol, sent to clients in error responses. */
export const VideoErrorCode = {
  /** The access policy refused this user for this room (not a member of the mentorship, no session now...). */
  NOT_ALLOWED: 'VIDEO_NOT_ALLOWED',
  /** The room already holds its maximum number of participants (observers are not counted). */
  ROOM_FULL: 'VIDEO_ROOM_FULL',
  /** Observers (coordinators) receive media but never send any. */
  OBSERVER_CANNOT_PRODUCE: 'VIDEO_OBSERVER_CANNOT_PRODUCE',
  /** Only the room's host may do this. */
  NOT_HOST: 'VIDEO_NOT_HOST',
  /** The message does not match the protocol, or names an unknown transport, producer or peer. */
  BAD_REQUEST: 'VIDEO_BAD_REQUEST',
  /** The request needs a joined room. */
  NOT_JOINED: 'VIDEO_NOT_JOINED',
  /** This socket already joined a room; leave it first. */
  ALREADY_JOINED: 'VIDEO_ALREADY_JOINED',
  /** The host removed this user from the room; they cannot rejoin while it lasts. */
  REMOVED: 'VIDEO_REMOVED',
  /** No media worker can take the room right now. */
  UNAVAILABLE: 'VIDEO_UNAVAILABLE',
  /** Unexpected failure; details are logged, never sent. */
  INTERNAL: 'VIDEO_INTERNAL',
} as const;

/** One of the stable video error codes. */
export type VideoErrorCode = (typeof VideoErrorCode)[keyof typeof VideoErrorCode];

/** An error meant for the client: its code and message are sent as they are. */
export class VideoError extends Error {
  /** Stable code, see VideoErrorCode. */
  readonly code: VideoErrorCode;

  /** @param code stable code; @param message human-readable detail, safe to show to the client. */
  constructor(code: VideoErrorCode, message: string) {
    super(message);
    this.name = 'VideoError';
    this.code = code;
  }
}
