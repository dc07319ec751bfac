// The public API of processes-cache-redis.

export type { RedisCacheStoreOptions } from './redis-cache-store.js';
export { REDIS_CACHE_STORE_DEFAULTS, RedisCacheStore } from './redis-cache-store.js';
