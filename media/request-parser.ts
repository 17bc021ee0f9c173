import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { VideoError, VideoErrorCode } from './errors.ts';
import { RequestId, VideoRequestSchemas, type RequestId as RequestIdType, type VideoRequest } from './messages.ts';

const checks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(VideoRequestSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);
const requestIdCheck = TypeCompiler.Compile(RequestId);

/** The requestId of a message if it carries a valid one, else null (for replying to malformed messages). */
export function requestIdOf(message: unknown): RequestIdType | null {
  const id = typeof message === 'object' && message !== null && 'requestId' in message ? message.requestId : undefined;
  return requestIdCheck.Check(id) ? id : null;
}

/** Checks an already JSON-parsed message against the request schemas; throws VIDEO_BAD_REQUEST naming the first problem. */
export function parseVideoRequest(message: unknown): VideoRequest {
  const type = typeof message === 'object' && message !== null && 'type' in message ? message.type : undefined;
  const check = typeof type === 'string' ? checks.get(type) : undefined;
  if (!check) throw new VideoError(VideoErrorCode.BAD_REQUEST, `unknown video message type ${JSON.stringify(type)}`);
  if (!check.Check(message)) {
    const first = check.Errors(message).First();
    throw new VideoError(VideoErrorCode.BAD_REQUEST, `${String(type)}: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`);
  }
  // Check() validated `message` against the schema of its own `type`, which is this union's member.
  return message as VideoRequest;
}
