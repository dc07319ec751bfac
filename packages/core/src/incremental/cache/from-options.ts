import type { RunCacheOptions } from '../../options/run-options.js';
import { FileCacheStore } from './file-store.js';
import type { CacheStore } from './store.js';

/** The store and expiry that parsed `cache` options name (exactly one of `dir` and `store` is given). */
export function runCacheOf(options: RunCacheOptions): { store: CacheStore; maxAgeMs: number | null } {
  return {
    store: options.store ?? new FileCacheStore(options.dir as string | URL, { maxBytes: options.maxBytes ?? null }),
    maxAgeMs: options.maxAgeMs ?? null,
  };
}
