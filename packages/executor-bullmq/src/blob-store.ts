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

/** A blob store that did not answer within the executor's `noWorkerTimeoutMs`. */
export class BlobStoreTimeout extends Error {}

/** `store` with every call given up on after `ms`: a store that does not answer must not hold an attempt for ever. */
export function boundedStore(store: BlobStore, ms: number): BlobStore {
  const within = <T>(work: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new BlobStoreTimeout(`the blob store has not answered a ${what} for ${ms} ms (noWorkerTimeoutMs)`)),
        ms,
      );
    });
    work.catch(() => undefined);
    return Promise.race([work, gaveUp]).finally(() => clearTimeout(timer));
  };
  return {
    put: (key, data, ttlMs) => within(store.put(key, data, ttlMs), 'write'),
    get: (key) => within(store.get(key), 'read'),
    delete: (keys) => within(store.delete(keys), 'delete'),
  };
}
