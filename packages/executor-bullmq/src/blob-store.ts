import type { Redis } from 'ioredis';

/**
 * Where values over the inline cap go. Keys are chosen by the executor and
 * unique per job; a store must keep a value for at least `ttlMs` and may
 * drop it after. Pass your own (S3, a shared disk) as `blobStore`; the
 * default keeps them in the same Redis with a TTL.
 */
export interface BlobStore {
  put(key: string, data: Buffer, ttlMs: number): Promise<void>;
  /** The value, or null when it is gone. */
  get(key: string): Promise<Buffer | null>;
  /** Deletes the keys that exist; a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** The default {@link BlobStore}: Redis keys with a TTL (`SET key value PX ttl`). */
export class RedisBlobStore implements BlobStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async put(key: string, data: Buffer, ttlMs: number): Promise<void> {
    await this.#redis.set(key, data, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  get(key: string): Promise<Buffer | null> {
    return this.#redis.getBuffer(key);
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.#redis.del(...keys);
  }
}
