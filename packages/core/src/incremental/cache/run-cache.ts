import { emitProcessesWarning, WarningCode } from '../../errors/warnings.js';
import { canCloneExactly } from '../../report/result-encoding.js';
import type { RunReason } from '../../report/types.js';
import { type CacheRecord, openRecord, sealRecord } from './envelope.js';
import type { CacheStore } from './store.js';

export type CacheLookup =
  | { readonly hit: true; readonly result: unknown; readonly fromRun: string; readonly resultHash: string | null }
  | { readonly hit: false; readonly reason: Extract<RunReason, 'cache-miss' | 'cache-expired' | 'cache-corrupt'> };

/**
 * One run's view of the cache store: entries are opened and checked here
 * (checksum, age), and every fault of the store is a warning and a miss,
 * never a failed task nor a wrong result.
 */
export class RunCache {
  readonly #store: CacheStore;
  readonly #maxAgeMs: number | null;
  readonly #runId: string;

  constructor(store: CacheStore, maxAgeMs: number | null, runId: string) {
    this.#store = store;
    this.#maxAgeMs = maxAgeMs;
    this.#runId = runId;
  }

  /** The entry under `key`; an unusable one is deleted unless `readOnly` (for `explain`). */
  async lookup(key: string, taskName: string, readOnly = false): Promise<CacheLookup> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#store.get(key);
    } catch (error) {
      this.#storeFailed('read', taskName, error);
      return { hit: false, reason: 'cache-miss' };
    }
    if (bytes === undefined) return { hit: false, reason: 'cache-miss' };
    const opened = openRecord(bytes);
    // Written by a release with another entry format: a miss like any other (the run's entry replaces it).
    if ('outdated' in opened) return { hit: false, reason: 'cache-miss' };
    if ('corrupt' in opened) {
      emitProcessesWarning(
        WarningCode.CACHE_ENTRY_CORRUPT,
        `Task "${taskName}": the cache entry ${key} in ${this.#store.name} is not usable: ${opened.corrupt}. The task runs and its entry is rewritten.`,
      );
      if (!readOnly) await this.#delete(key, taskName);
      return { hit: false, reason: 'cache-corrupt' };
    }
    const { record } = opened;
    if (this.#maxAgeMs !== null && Date.now() - record.storedAt > this.#maxAgeMs) {
      if (!readOnly) await this.#delete(key, taskName);
      return { hit: false, reason: 'cache-expired' };
    }
    return { hit: true, result: record.result, fromRun: record.runId, resultHash: record.resultHash };
  }

  /** Stores a result (with its hash), when it can come back exactly; never throws. */
  async save(key: string, taskName: string, result: unknown, resultHash: string | null): Promise<void> {
    if (!canCloneExactly(result)) {
      emitProcessesWarning(
        WarningCode.CACHE_RESULT_UNSTORABLE,
        `Task "${taskName}": its result was not cached: it cannot be stored exactly (a class instance, an Error or a function is in it). Return plain data to cache it.`,
      );
      return;
    }
    const record: CacheRecord = { taskName, runId: this.#runId, storedAt: Date.now(), result, resultHash };
    let entry: Uint8Array;
    try {
      entry = sealRecord(record);
    } catch (error) {
      // The result, not the store: a view over a detached buffer, say.
      emitProcessesWarning(
        WarningCode.CACHE_RESULT_UNSTORABLE,
        `Task "${taskName}": its result was not cached: it cannot be stored exactly (${(error as Error).message}).`,
      );
      return;
    }
    try {
      await this.#store.set(key, entry, { maxAgeMs: this.#maxAgeMs });
    } catch (error) {
      this.#storeFailed('write', taskName, error);
    }
  }

  async #delete(key: string, taskName: string): Promise<void> {
    try {
      await this.#store.delete(key);
    } catch (error) {
      this.#storeFailed('delete', taskName, error);
    }
  }

  #storeFailed(operation: string, taskName: string, error: unknown): void {
    emitProcessesWarning(
      WarningCode.CACHE_STORE_FAILED,
      `Task "${taskName}": ${this.#store.name} failed to ${operation} an entry (${error instanceof Error ? error.message : String(error)}); the run goes on without it.`,
    );
  }
}
