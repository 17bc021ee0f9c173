/**
 * The Trellis WebSocket protocol: every client frame is a JSON object whose `type` selects a schema.
 * Server frames are described by `ServerFrame`. See docs/protocol.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Seq = Type.Integer({ minimum: 0 });
const RequestId = Type.Optional(Type.String({ maxLength: 64 }));

/** Client frame schemas by type. */
export const ClientFrames = {
  send: Type.Object(
    {
      type: Type.Literal('send'),
      conversationId: Id,
      /** Client-generated id: resending it returns the same acknowledgement. */
      clientId: Id,
      body: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
  resume: Type.Object(
    {
      type: Type.Literal('resume'),
      conversations: Type.Array(Type.Object({ conversationId: Id, afterSeq: Seq }, { additionalProperties: false }), {
        maxItems: 500,
      }),
    },
    { additionalProperties: false },
  ),
  typing: Type.Object({ type: Type.Literal('typing'), conversationId: Id }, { additionalProperties: false }),
  read: Type.Object({ type: Type.Literal('read'), conversationId: Id, seq: Seq }, { additionalProperties: false }),
  ping: Type.Object({ type: Type.Literal('ping'), requestId: RequestId }, { additionalProperties: false }),
} as const;

/** A validated client frame. */
export type ClientFrame = { [K in keyof typeof ClientFrames]: Static<(typeof ClientFrames)[K]> }[keyof typeof ClientFrames];

/** The type names of client frames handled by the messaging core. */
export type ClientFrameType = keyof typeof ClientFrames;

const checkers = Object.fromEntries(
  Object.entries(ClientFrames).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
) as Record<ClientFrameType, TypeCheck<TSchema>>;

/** The outcome of parsing a frame: the frame, or a stable error code with a reason. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: true; frame: { type: `video.${string}`; [field: string]: unknown } }
  | { ok: false; code: 'BAD_JSON' | 'UNKNOWN_TYPE' | 'BAD_REQUEST'; reason: string; requestId?: string };

/** Parses and validates one text frame. Video frames are returned as-is for the video signalling core. */
export function parseClientFrame(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_JSON', reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'BAD_REQUEST', reason: 'a frame is a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const requestId = typeof record.requestId === 'string' ? record.requestId.slice(0, 64) : undefined;
  const type = record.type;
  if (typeof type !== 'string') return { ok: false, code: 'BAD_REQUEST', reason: 'missing type', requestId };
  if (type.startsWith('video.')) return { ok: true, frame: record as { type: `video.${string}` } };
  if (!Object.hasOwn(checkers, type)) return { ok: false, code: 'UNKNOWN_TYPE', reason: `unknown type ${type.slice(0, 40)}`, requestId };
  const checker = checkers[type as ClientFrameType];
  if (!checker.Check(value)) {
    const error = checker.Errors(value).First();
    return { ok: false, code: 'BAD_REQUEST', reason: `${error?.path || '/'}: ${error?.message ?? 'invalid'}`, requestId };
  }
  return { ok: true, frame: value as ClientFrame };
}

/** A message as one viewer sees it. */
export interface WireMessage {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  body: string;
  /** `delivered`, or for the sender's own messages `pending_review` or `rejected`. */
  status: 'delivered' | 'pending_review' | 'rejected';
  redacted: boolean;
  createdAt: string;
  /** Present on a file message: the shared file (download it with `GET /files/:id`). */
  attachment?: WireAttachment;
}

/** A file announced by a message: its id, sanitised name, size in bytes and sniffed type. */
export interface WireAttachment {
  id: string;
  name: string;
  size: number;
  mimeType: string;
}

/** Frames the server sends. */
export type ServerFrame =
  | { type: 'hello'; userId: string; node: string; conversations: { conversationId: string; lastSeq: number }[] }
  | {
      type: 'ack';
      clientId: string;
      conversationId: string;
      messageId: string;
      seq: number;
      status: WireMessage['status'];
      redacted: boolean;
      createdAt: string;
    }
  | { type: 'message'; message: WireMessage }
  | { type: 'resumed'; conversationId: string; lastSeq: number }
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'presence'; conversationId: string; userId: string; online: boolean }
  | { type: 'read'; conversationId: string; userId: string; seq: number }
  | { type: 'conversation.added'; conversationId: string }
  | { type: 'pong'; requestId?: string }
  | { type: 'error'; code: string; message: string; requestId?: string; clientId?: string; conversationId?: string };
