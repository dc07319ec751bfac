/**
 * Where `run({ cache })` keeps results: a key-value store of opaque bytes.
 * The engine writes each entry as a checksummed envelope (its own format),
 * so a store only keeps bytes; a corrupt or truncated entry is detected by
 * the engine, whatever the store. {@link FileCacheStore} is built in;
 * `processes-cache-redis` has one that machines can share.
 *
 * A store must be safe for concurrent runs: `set` replaces an entry
 * atomically (a reader sees the old bytes or the new, never a mix), and
 * `get` of a key being evicted or deleted is simply a miss.
 */
export interface CacheStore {
  /** Shown in warnings, e.g. `FileCacheStore(/var/cache/etl)`. */
  readonly name: string;
  /** The bytes stored under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `value` under `key`, replacing what was there, atomically. */
  set(key: string, value: Uint8Array, options: CacheSetOptions): Promise<void>;
  /** Removes the entry under `key`, if any. */
  delete(key: string): Promise<void>;
  /** Removes every entry. */
  clear(): Promise<void>;
  /** Releases connections; the run never calls it on a store you gave it. */
  close?(): Promise<void>;
}

/** What the engine tells a store about an entry it writes. */
export interface CacheSetOptions {
  /** The entry may be dropped after this long (the engine also checks ages itself). Null: no expiry. */
  readonly maxAgeMs: number | null;
}
