// `processes-js/cache-redis`: the Redis result cache, a subpath so that only
// users who import it load ioredis.

export type { RedisCacheStoreOptions } from 'processes-cache-redis';
export { REDIS_CACHE_STORE_DEFAULTS, RedisCacheStore } from 'processes-cache-redis';
