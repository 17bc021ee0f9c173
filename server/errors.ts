/**
 * Stable error codes. Clients key on `code`, never on the message text; HTTP routes answer with the
 * status next to it and WebSocket error frames carry the same code.
 */
export const ErrorCode = {
  BAD_REQUEST: { status: 400, message: 'The request does not match its schema' },
  BAD_JSON: { status: 400, message: 'The frame is not valid JSON' },
  UNKNOWN_TYPE: { status: 400, message: 'Unknown message type' },
  FRAME_TOO_LARGE: { status: 413, message: 'The frame is larger than allowed' },
  MESSAGE_TOO_LONG: { status: 413, message: 'The message is longer than allowed' },
  UNAUTHENTICATED: { status: 401, message: 'Log in first' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong email or password' },
  FORBIDDEN: { status: 403, message: 'Not allowed for this user' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'Conflicts with the current state' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  NOT_A_MEMBER: { status: 403, message: 'You are not a member of this conversation' },
  MENTORSHIP_NOT_ACTIVE: { status: 409, message: 'The mentorship is not active' },
  MENTOR_NOT_VETTED: { status: 409, message: 'The mentor has no cleared background check and completed training' },
  GUARDIAN_AGREEMENT_MISSING: { status: 409, message: 'A guardian has not signed the mentorship agreement' },
  RATIO_EXCEEDED: { status: 409, message: 'A group may have at most 4 students per adult' },
  NOT_IN_PROGRAM: { status: 403, message: 'The user is not in your program' },
  CLIENT_ID_REUSED: { status: 409, message: 'This client id was used for a different message' },
  MESSAGE_BLOCKED: { status: 422, message: 'The message breaks the program policy and was not sent' },
  POLICY_INVALID: { status: 400, message: 'The moderation policy is not valid' },
  FILE_MISSING: { status: 400, message: 'The request carries no file part' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than allowed' },
  FILE_QUOTA_EXCEEDED: { status: 413, message: 'Your file storage quota is used up' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, message: 'This type of file is not allowed in this program' },
  FILE_EXECUTABLE: { status: 415, message: 'Executable files are not allowed' },
  FILE_SCRIPT: { status: 415, message: 'Script files are not allowed' },
  FILE_ARCHIVE: { status: 415, message: 'Archives are not allowed' },
  FILE_MALFORMED: { status: 422, message: 'The file is damaged or not what its type says' },
  FILE_BLOCKED: { status: 422, message: 'The file breaks the program policy and was not shared' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested range is outside the file' },
  UNAVAILABLE: { status: 503, message: 'A dependency is unavailable; try again' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const;

/** One of the stable error codes. */
export type ErrorCodeName = keyof typeof ErrorCode;

/** An error meant for the client: a stable code, its HTTP status and a safe message. */
export class TrellisError extends Error {
  override name = 'TrellisError';
  readonly code: ErrorCodeName;
  readonly status: number;
  /** Extra, safe-to-show details (e.g. which field). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCodeName, message?: string, details?: Record<string, unknown>) {
    super(message ?? ErrorCode[code].message);
    this.code = code;
    this.status = ErrorCode[code].status;
    this.details = details;
  }
}

/** WebSocket close codes Trellis uses (4000 range: application-defined). */
export const CloseCode = {
  /** The token was missing, wrong or expired at upgrade, or was revoked. */
  UNAUTHENTICATED: 4001,
  /** Too many malformed or refused frames: the client is misbehaving. */
  ABUSE: 4008,
  /** The server is shutting down; reconnect to another node. */
  SHUTDOWN: 4009,
  /** The client read too slowly: too much data was queued for it. */
  SLOW_CONSUMER: 4011,
} as const;
