/**
 * Token buckets keyed by user: `burst` tokens at most, refilled at `perMinute` per minute.
 * Buckets idle long enough to be full are dropped, so memory follows active users.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #lastSweep = 0;

  constructor(options: { perMinute: number; burst: number }) {
    this.#capacity = options.burst;
    this.#refillPerMs = options.perMinute / 60_000;
  }

  /** Takes one token for `key`; returns false when the bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#refillPerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #sweep(now: number): void {
    const fullAfterMs = this.#capacity / this.#refillPerMs;
    if (now - this.#lastSweep < fullAfterMs) return;
    this.#lastSweep = now;
    for (const [key, bucket] of this.#buckets) if (now - bucket.at >= fullAfterMs) this.#buckets.delete(key);
  }
}
