// Deleting the jobs of settled attempts, off the critical path. Removing each
// job as it settles put a Redis call, its write and the `removed` event it
// publishes (one more read of the events stream) between one attempt's result
// and the next attempt's `add`. Completed jobs are instead deleted in batches
// by one script, so a sequential run pays one call per batch, not per attempt.
// The job stays readable until then, so a state read that races the batch
// still finds the result.

import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BlobStore } from './blob-store.js';
import type { Keys } from './keys.js';

/** How long a settled job may wait for its batch. Bounds what Redis holds after a run (close() flushes at once). */
export const REMOVAL_DELAY_MS = 50;

/** A batch is sent at once when it holds this many jobs. */
export const REMOVAL_BATCH_MAX = 64;

/**
 * Deletes completed jobs (KEYS[1] is the queue's completed set, ARGV[1] the
 * prefix of its job keys, ARGV[2..] the job ids) and this package's keys of
 * those jobs (KEYS[2..]). A job is deleted only while it is in the completed
 * set, with the keys BullMQ's own removal deletes (its `removeJobKeys`); the
 * parent and deduplication links BullMQ's removal also undoes are never set
 * on an attempt's job. The ids of the others are returned, for BullMQ's `remove`.
 */
const REMOVE_COMPLETED = `
local missing = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', KEYS[1], id) == 1 then
    local job = ARGV[1] .. id
    redis.call('DEL', job, job .. ':logs', job .. ':dependencies', job .. ':processed', job .. ':failed', job .. ':unsuccessful')
  else
    missing[#missing + 1] = id
  end
end
if #KEYS > 1 then redis.call('DEL', unpack(KEYS, 2)) end
return missing`;

export interface CompletedRemovalOptions {
  readonly queue: Queue;
  /** The package's own connection: the script runs here, beside the blobs and log lists. */
  readonly redis: Redis;
  readonly keys: Keys;
  readonly store: BlobStore;
  /** Bounds a Redis call (the reconciler's timeout): a Redis that does not answer must not hold close() up. */
  readonly bounded: <T>(work: Promise<T>) => Promise<T>;
}

export class CompletedRemoval {
  readonly #o: CompletedRemovalOptions;
  #jobIds: string[] = [];
  #keys: string[] = [];
  #blobs: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #sending = new Set<Promise<void>>();

  constructor(options: CompletedRemovalOptions) {
    this.#o = options;
  }

  /** Queues a completed job, with the package's keys and the blobs it made, for the next batch. */
  add(jobId: string, keys: readonly string[], blobs: readonly string[]): void {
    this.#jobIds.push(jobId);
    this.#keys.push(...keys);
    this.#blobs.push(...blobs);
    if (this.#jobIds.length >= REMOVAL_BATCH_MAX) this.#send();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#send(), REMOVAL_DELAY_MS);
      // Pending deletions do not keep a process alive; close() sends them.
      this.#timer.unref();
    }
  }

  /** Sends what is queued now and waits for every batch sent so far. Never rejects. */
  async flush(): Promise<void> {
    this.#send();
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#jobIds.length === 0) return;
    const batch = this.#remove(this.#jobIds, this.#keys, this.#blobs).catch(() => undefined);
    this.#jobIds = [];
    this.#keys = [];
    this.#blobs = [];
    const sending = batch.finally(() => this.#sending.delete(sending));
    this.#sending.add(sending);
  }

  async #remove(jobIds: readonly string[], keys: readonly string[], blobs: readonly string[]): Promise<void> {
    const { redis, queue, store, bounded } = this.#o;
    const jobKeyPrefix = this.#o.keys.job('');
    const [missing] = await Promise.all([
      bounded(redis.eval(REMOVE_COMPLETED, 1 + keys.length, this.#o.keys.completed, ...keys, jobKeyPrefix, ...jobIds)),
      blobs.length > 0 ? bounded(store.delete(blobs)) : undefined,
    ]);
    // Not in the completed set (moved by someone else): BullMQ's remove handles any state.
    for (const jobId of missing as string[]) await bounded(queue.remove(jobId)).catch(() => 0);
  }
}
