/** Schemas shared by the REST routes. */
import { Type, type TSchema } from '@sinclair/typebox';

/** A path parameter `:id`. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The error body every route may answer with. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse' },
);

/**
 * Responses with the standard error statuses added, for the OpenAPI document. Success bodies not
 * described are documented as any JSON.
 */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  const error = Type.Ref(ErrorResponse);
  return { 200: Type.Unknown(), 201: Type.Unknown(), 400: error, 401: error, 403: error, 404: error, 409: error, 413: error, 429: error, ...responses };
}

/** A short text field with bounds. */
export const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

/** A list of tags such as categories or mentorship types. */
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true });
