import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCode, TrellisError, type ErrorCodeName } from '../errors.ts';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCodeName; message: string; details?: Record<string, unknown> };
}

const FASTIFY_CODES: Record<string, ErrorCodeName> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FRAME_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_REQUEST',
};

/** Translates any error into a stable code; 5xx answers never reveal internals. */
export function toErrorBody(error: FastifyError | TrellisError | Error): { status: number; body: ErrorBody } {
  if (error instanceof TrellisError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return {
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: error.message, details: { context: fastifyError.validationContext } } },
    };
  }
  const code = FASTIFY_CODES[fastifyError.code ?? ''] ?? (fastifyError.statusCode === 429 ? 'RATE_LIMITED' : undefined);
  if (code) return { status: ErrorCode[code].status, body: { error: { code, message: ErrorCode[code].message } } };
  return { status: 500, body: { error: { code: 'INTERNAL', message: ErrorCode.INTERNAL.message } } };
}

/** One error handler and one not-found handler for every route. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, body } = toErrorBody(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(status).send(body);
    });
    fastify.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
    );
  },
  { name: 'error-handler' },
);
