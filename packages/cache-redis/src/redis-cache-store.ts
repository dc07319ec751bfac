import { Redis, type RedisOptions } from 'ioredis';
import type { CacheSetOptions, CacheStore } from 'processes-core';
import { described, type Parsed, parseOptions, type ShapeOf } from 'processes-core/internal';
import { z } from 'zod';

/** Options of a {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions {
  /**
   * The Redis to use: a `redis://` URL (the store makes and closes its own
   * client) or an ioredis client you made (you close it).
   */
  redis: string | Redis;
  /** Prepended to every key, so several caches (or apps) can share one Redis. @default 'processes:cache:' */
  prefix?: string;
  /**
   * With a URL: how long one command may take before it fails (then the run
   * treats it as a miss or an unstored result, with a warning, and goes on).
   * @default 5000
   */
  commandTimeoutMs?: number;
}

export const REDIS_CACHE_STORE_DEFAULTS: Readonly<Required<Omit<RedisCacheStoreOptions, 'redis'>>> = Object.freeze({
  prefix: 'processes:cache:',
  commandTimeoutMs: 5000,
});

const optionsSchema: z.ZodType<Parsed<RedisCacheStoreOptions>> = z.strictObject({
  redis: described(
    z.union([z.string().regex(/^rediss?:\/\//), z.custom<Redis>((value) => value instanceof Redis)]),
    'a redis:// or rediss:// URL, or an ioredis client',
  ),
  prefix: described(z.string(), 'a string').optional(),
  commandTimeoutMs: described(z.number().int().positive(), 'an integer > 0').optional(),
} satisfies ShapeOf<RedisCacheStoreOptions>);

/** How many keys one SCAN step asks for when clearing. */
const SCAN_COUNT = 500;

/** How long a dropped client's socket may take to close before ioredis destroys it. */
const DROP_SOCKET_AFTER_MS = 200;

/**
 * The engine's keys are sha256s in hex: `clear()` matches only those under
 * the prefix, so a short or empty prefix in a Redis the app also uses for
 * other data (`user:1`, `etl:config`) cannot wipe that data.
 */
const KEY_GLOB = '[0-9a-f]'.repeat(64);

/**
 * A result cache in Redis, for runs on many machines (the BullMQ executor's
 * coordinators, CI runners) to share: `run({ cache: { store } })`.
 *
 * Each entry is one Redis string written with one `SET`, so a reader sees
 * the whole entry or none; an expiry (`maxAgeMs` of the run) becomes the
 * key's `PX`, so Redis drops old entries itself. Bound the memory with
 * Redis's own `maxmemory` and an `allkeys-lru` policy: an evicted entry is a
 * miss. `clear()` deletes only the store's own keys: the prefix followed by
 * a sha256 in hex.
 */
export class RedisCacheStore implements CacheStore {
  readonly name: string;
  readonly prefix: string;
  readonly #redis: Redis;
  readonly #owned: boolean;

  constructor(options: RedisCacheStoreOptions) {
    const o = parseOptions({ where: 'RedisCacheStore' }, optionsSchema, options);
    const d = REDIS_CACHE_STORE_DEFAULTS;
    this.prefix = o.prefix ?? d.prefix;
    if (typeof o.redis === 'string') {
      const clientOptions: RedisOptions = {
        commandTimeout: o.commandTimeoutMs ?? d.commandTimeoutMs,
        // A Redis that is down fails commands soon rather than queueing them while the run waits.
        maxRetriesPerRequest: 1,
        // ioredis keeps a dropped client's socket timer this long (2 s by default), and that timer
        // alone kept a finished process alive after close() with Redis gone.
        disconnectTimeout: DROP_SOCKET_AFTER_MS,
      };
      this.#redis = new Redis(o.redis, clientOptions);
      // Connection errors reach the run through the commands that fail (a warning each); unheard, ioredis prints them.
      this.#redis.on('error', () => undefined);
      this.#owned = true;
      this.name = `RedisCacheStore(${redactUrl(o.redis)} ${this.prefix}*)`;
    } else {
      this.#redis = o.redis;
      this.#owned = false;
      this.name = `RedisCacheStore(${this.prefix}*)`;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.#redis.getBuffer(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: Uint8Array, options: CacheSetOptions): Promise<void> {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (options.maxAgeMs === null) await this.#redis.set(this.prefix + key, bytes);
    else await this.#redis.set(this.prefix + key, bytes, 'PX', Math.ceil(options.maxAgeMs));
  }

  async delete(key: string): Promise<void> {
    await this.#redis.unlink(this.prefix + key);
  }

  async clear(): Promise<void> {
    // SCAN, not KEYS: it does not block a Redis that others are using.
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(
        cursor,
        'MATCH',
        escapeGlob(this.prefix) + KEY_GLOB,
        'COUNT',
        SCAN_COUNT,
      );
      if (keys.length > 0) await this.#redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Closes the client the store made from a URL; a client you gave it is yours to close. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    // Only a connected client can QUIT; one that is (re)connecting to a Redis that is gone is dropped,
    // which also stops its reconnect timer.
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The URL without its password, for names that end up in warnings and logs. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
