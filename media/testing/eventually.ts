import { setTimeout as delay } from 'node:timers/promises';

/** Options of eventually(). */
export interface EventuallyOptions {
  /** Give up after this many ms; default 10000. */
  timeoutMs?: number;
  /** Poll every this many ms; default 50. */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a truthy value (which is returned) or the timeout passes, then throws
 * `what` with the last value or error. Tests use it instead of sleeping.
 */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await delay(options.intervalMs ?? 50);
  }
}
