/**
 * Programs' moderation policies, validated with `parsePolicy` and cached per program. The pipeline
 * asks synchronously (`policyFor`), so the screener calls `ensure` first; a cached policy is used
 * for `ttlMs`, then re-read, which is how a change made on another node arrives. A change made on
 * this node is put in the cache at once (`set`).
 */
import { parsePolicy, PolicyError, type ProgramPolicy } from '../../moderation/policy.ts';

/** Reads a program's stored policy JSON; null when the program does not exist. */
export type PolicyLoader = (programId: string) => Promise<unknown | null>;

interface Entry {
  policy: ProgramPolicy | null;
  /** Why there is no policy (a bad stored policy, a missing program, a failed read). */
  error: string | null;
  loadedAt: number;
}

/** A per-program cache of validated policies. */
export class PolicyCache {
  readonly #load: PolicyLoader;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<void>>();

  constructor(options: { load: PolicyLoader; ttlMs: number; now?: () => number }) {
    this.#load = options.load;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** Loads a program's policy unless a fresh one is cached. Never throws: problems show in `policyFor`. */
  ensure(programId: string): Promise<void> {
    const entry = this.#entries.get(programId);
    if (entry && this.#now() - entry.loadedAt < this.#ttlMs) return Promise.resolve();
    let loading = this.#loading.get(programId);
    if (!loading) {
      loading = this.#refresh(programId).finally(() => this.#loading.delete(programId));
      this.#loading.set(programId, loading);
    }
    return loading;
  }

  async #refresh(programId: string): Promise<void> {
    const previous = this.#entries.get(programId);
    let entry: Entry;
    try {
      const json = await this.#load(programId);
      entry = json === null
        ? { policy: null, error: `program ${programId} does not exist`, loadedAt: this.#now() }
        : { policy: parsePolicy(json), error: null, loadedAt: this.#now() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // A failed read keeps a policy validated earlier (retried on the next message); a bad stored
      // policy is an error the pipeline turns into a held message.
      entry = previous?.policy && !(error instanceof PolicyError)
        ? { ...previous, loadedAt: this.#now() - this.#ttlMs }
        : { policy: null, error: `policy of program ${programId}: ${reason}`, loadedAt: this.#now() };
    }
    this.#entries.set(programId, entry);
  }

  /** Puts a policy validated by this node in the cache (after it was stored). */
  set(programId: string, policy: ProgramPolicy): void {
    this.#entries.set(programId, { policy, error: null, loadedAt: this.#now() });
  }

  /** The cached policy of a program; throws when it could not be loaded (the message is then held). */
  policyFor(programId: string): ProgramPolicy {
    const entry = this.#entries.get(programId);
    if (entry?.policy) return entry.policy;
    throw new Error(entry?.error ?? `policy of program ${programId} is not loaded`);
  }
}
