/**
 * Login sessions this node verified recently, by token hash, so that an authenticated request
 * costs no query. An entry is used until the session expires or the age limit passes, and dropped
 * as soon as its user logs out (on this node at once, on the others when the bus brings the logout).
 */
import type { AuthUser, ValidSession } from '../repositories/users.ts';
import { BoundedCache } from './bounded-cache.ts';

/** Reads a valid session from the database (null when unknown, revoked or expired). */
export type SessionLoader = (tokenHash: string, now: Date) => Promise<ValidSession | null>;

/** The node's cache of verified sessions. */
export class SessionCache {
  readonly #find: SessionLoader;
  readonly #cache: BoundedCache<AuthUser>;

  constructor(options: { find: SessionLoader; ttlMs: number; maxEntries: number }) {
    this.#find = options.find;
    this.#cache = new BoundedCache({ maxWeight: options.maxEntries, ttlMs: options.ttlMs });
  }

  /** The user of a valid session, or null. */
  user(tokenHash: string): Promise<AuthUser | null> {
    const now = Date.now();
    return this.#cache.read(tokenHash, async () => {
      const session = await this.#find(tokenHash, new Date(now));
      return session && { value: session.user, scope: session.user.id, validUntil: session.expiresAt.getTime() };
    }, now);
  }

  /** Forgets every session of a user (it logged out), including sessions being read right now. */
  forgetUser(userId: string): void {
    this.#cache.invalidate(userId);
  }

  /** Forgets everything (the bus may have lost logouts). */
  clear(): void {
    this.#cache.clear();
  }
}
