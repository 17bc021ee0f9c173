/**
 * The building block of the node's read caches: values read from the database, bounded in total
 * weight (least recently used first out) and in age, and kept exact by invalidation. Every entry
 * belongs to a scope (a conversation, a user); invalidating a scope drops its entries at once, and a
 * load that began before the invalidation never stores what it read, since it may predate the change.
 */

/** What a loader found: the value, the scope it belongs to, and optionally when it stops being valid. */
export interface Loaded<V> {
  value: V;
  scope: string;
  /** Time (ms since the epoch) after which the value must not be used, if sooner than the cache's age limit. */
  validUntil?: number;
}

/** Limits of a cache. */
export interface BoundedCacheOptions<V> {
  /** Largest total weight held. */
  maxWeight: number;
  /** Longest an entry is used (ms) when nothing invalidates it. */
  ttlMs: number;
  /** Weight of a value (default 1: `maxWeight` counts entries). */
  weigh?: (value: V) => number;
  /** Most scopes remembered as invalidated while loads run; beyond it every running load is refused. */
  maxInvalidatedScopes?: number;
}

interface Entry<V> {
  value: V;
  scope: string;
  weight: number;
  validUntil: number;
}

/** A bounded, expiring cache whose loads never store a value older than an invalidation of its scope. */
export class BoundedCache<V> {
  readonly #options: Required<BoundedCacheOptions<V>>;
  /** In use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry<V>>();
  readonly #keysByScope = new Map<string, Set<string>>();
  /** Loads in flight by key, with the tick they began at, so that concurrent misses share one read. */
  readonly #pending = new Map<string, { tick: number; promise: Promise<V | null> }>();
  /** The tick of the latest invalidation of each scope, while loads are in flight. */
  readonly #invalidatedAt = new Map<string, number>();
  /** Counts invalidations; a load remembers the tick it began at. */
  #tick = 0;
  /** Loads that began before this tick may not store (everything was invalidated since). */
  #floor = 0;
  #loading = 0;
  #weight = 0;

  constructor(options: BoundedCacheOptions<V>) {
    this.#options = { weigh: () => 1, maxInvalidatedScopes: 10_000, ...options };
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Total weight held. */
  get weight(): number {
    return this.#weight;
  }

  /** The cached value of a key, if valid. */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.validUntil <= now) {
      this.#remove(key, entry);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The cached value of a key if valid, else what `load` finds for it. */
  read(key: string, loader: () => Promise<Loaded<V> | null>, now = Date.now()): Promise<V | null> {
    const cached = this.get(key, now);
    return cached === undefined ? this.load(key, loader) : Promise.resolve(cached);
  }

  /**
   * Runs a loader for a key (or joins one already running that no invalidation has overtaken) and
   * stores what it found, unless the found value's scope was invalidated after the load began.
   * Null (nothing found) is returned, never stored.
   */
  load(key: string, loader: () => Promise<Loaded<V> | null>): Promise<V | null> {
    const pending = this.#pending.get(key);
    if (pending && pending.tick === this.#tick) return pending.promise;
    const tick = this.#tick;
    this.#loading++;
    const promise = loader()
      .then((loaded) => {
        if (!loaded) return null;
        if (this.#current(loaded.scope, tick)) this.#store(key, loaded);
        return loaded.value;
      })
      .finally(() => {
        if (this.#pending.get(key)?.promise === promise) this.#pending.delete(key);
        if (--this.#loading === 0) this.#invalidatedAt.clear();
      });
    this.#pending.set(key, { tick, promise });
    return promise;
  }

  /** Drops a scope's entries, and keeps loads that began before now from storing into it. */
  invalidate(scope: string): void {
    const tick = ++this.#tick;
    if (this.#loading > 0) {
      this.#invalidatedAt.set(scope, tick);
      if (this.#invalidatedAt.size > this.#options.maxInvalidatedScopes) {
        this.#floor = tick;
        this.#invalidatedAt.clear();
      }
    }
    const keys = this.#keysByScope.get(scope);
    if (!keys) return;
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry) this.#remove(key, entry);
    }
  }

  /** Drops everything, and keeps every load that began before now from storing. */
  clear(): void {
    this.#floor = ++this.#tick;
    this.#invalidatedAt.clear();
    this.#entries.clear();
    this.#keysByScope.clear();
    this.#weight = 0;
  }

  /** Whether a load that began at `tick` may store into `scope`. */
  #current(scope: string, tick: number): boolean {
    return tick >= this.#floor && (this.#invalidatedAt.get(scope) ?? 0) <= tick;
  }

  #store(key: string, loaded: Loaded<V>): void {
    const previous = this.#entries.get(key);
    if (previous) this.#remove(key, previous);
    const weight = this.#options.weigh(loaded.value);
    if (weight > this.#options.maxWeight) return;
    const validUntil = Math.min(Date.now() + this.#options.ttlMs, loaded.validUntil ?? Infinity);
    this.#entries.set(key, { value: loaded.value, scope: loaded.scope, weight, validUntil });
    let keys = this.#keysByScope.get(loaded.scope);
    if (!keys) this.#keysByScope.set(loaded.scope, (keys = new Set()));
    keys.add(key);
    this.#weight += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#weight <= this.#options.maxWeight) break;
      this.#remove(oldest, entry);
    }
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#weight -= entry.weight;
    const keys = this.#keysByScope.get(entry.scope);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysByScope.delete(entry.scope);
  }
}
