/**
 * The logging surface media code needs: a subset of pino's Logger (and Fastify's), so the server
 * passes its own logger, and tests pass `pino({ level: 'silent' })`.
 */
export interface MediaLogger {
  /** Verbose detail. */
  debug(obj: object, msg?: string): void;
  /** Normal lifecycle events. */
  info(obj: object, msg?: string): void;
  /** Something recovered from. */
  warn(obj: object, msg?: string): void;
  /** Something failed. */
  error(obj: object, msg?: string): void;
  /** A logger with extra bindings (e.g. roomId). */
  child(bindings: Record<string, unknown>): MediaLogger;
}
