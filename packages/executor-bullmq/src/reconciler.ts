// The coordinator's side of "no hang, ever": every in-flight job is read by
// its state on a timer, and at once when a queue event hints at it. Events
// can be trimmed, missed across a reconnect, or never come (Redis restarted,
// no workers); the state read cannot. Every Redis call here is bounded, so a
// Redis that does not answer becomes a typed error after noWorkerTimeoutMs.

import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type AttemptOutcome, serializeError } from 'processes-core';
import type { BlobStore } from './blob-store.js';
import { blobKeyOf, decodePayload, type PayloadSink } from './codec.js';
import { CompletedRemoval } from './completed-removal.js';
import { NoWorkerError, RedisUnavailableError, WorkerLostError } from './errors.js';
import type { InFlight } from './in-flight.js';
import { type Keys, TAKEN_BY_FIELD } from './keys.js';
import { replayLines } from './log-lines.js';
import { JOB_FORMAT, type JobResult } from './protocol.js';

export interface ReconcilerOptions {
  readonly queue: Queue;
  /** For the package's own keys: log lists, blobs, the cancel channel. */
  readonly redis: Redis;
  readonly queueName: string;
  readonly keys: Keys;
  readonly sink: PayloadSink;
  /** The package's own keys for results too big for a return value. */
  readonly stash: BlobStore;
  readonly noWorkerTimeoutMs: number;
  readonly intervalMs: number;
}

class Timeout extends Error {}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #jobs = new Map<string, InFlight>();
  /** Jobs of cancelled or lost attempts still in Redis: removed once they finish. */
  readonly #abandoned = new Map<string, readonly string[]>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #callTimeoutMs: number;
  readonly #removal: CompletedRemoval;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #lastRedisOk = Date.now();
  #lastWorkerSeen = Date.now();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#callTimeoutMs = Math.max(1000, options.intervalMs * 2);
    this.#removal = new CompletedRemoval({
      queue: options.queue,
      redis: options.redis,
      keys: options.keys,
      store: options.sink.store,
      bounded: (work) => this.#bounded(work),
    });
  }

  /** Adds the job with `add` and resolves with the attempt's outcome. Never rejects. */
  track(inFlight: InFlight, signal: AbortSignal, add: () => Promise<unknown>): Promise<AttemptOutcome> {
    return new Promise<AttemptOutcome>((resolve) => {
      inFlight.resolve = resolve;
      this.#jobs.set(inFlight.jobId, inFlight);
      const onAbort = (): void => this.#cancel(inFlight);
      signal.addEventListener('abort', onAbort, { once: true });
      inFlight.detach = () => signal.removeEventListener('abort', onAbort);
      if (this.#jobs.size === 1) this.#lastWorkerSeen = Math.max(this.#lastWorkerSeen, Date.now());
      this.#startTimer();
      inFlight.added = add().then(
        () => {
          // Not read now: its events (and the timer) say when to look, and an
          // early read would only compete with the worker for Redis.
          inFlight.addedOk = true;
          this.#lastRedisOk = Date.now();
        },
        (error: unknown) => {
          this.#settle(inFlight, this.#failure(inFlight, error));
          this.#forget(inFlight.jobId, inFlight.blobs, false);
        },
      );
    });
  }

  /** A queue event named this job: read its state now. */
  hint(jobId: string): void {
    const inFlight = this.#jobs.get(jobId);
    if (inFlight) void this.#check(inFlight, undefined);
  }

  /**
   * A completed event with the job's return value: settled from it when it
   * is a processes result, else read by state like any other hint.
   */
  completedHint(jobId: string, returnvalue: unknown): void {
    const inFlight = this.#jobs.get(jobId);
    if (!inFlight || inFlight.settled) return;
    if (inFlight.checking || !isJobResult(returnvalue)) {
      this.hint(jobId);
      return;
    }
    inFlight.checking = true;
    void this.#completed(inFlight, returnvalue)
      .catch(() => undefined)
      .finally(() => {
        inFlight.checking = false;
        // Unsettled (Redis did not answer for its log lines): the state read takes over.
        if (!inFlight.settled) this.hint(jobId);
      });
  }

  async close(): Promise<void> {
    for (const inFlight of [...this.#jobs.values()]) this.#cancel(inFlight, 'the BullMQ executor was closed');
    await this.#sweep().catch(() => undefined);
    await this.#removal.flush();
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #startTimer(): void {
    if (!this.#timer) this.#timer = setInterval(() => void this.#tick(), this.#o.intervalMs);
    // Only attempts someone waits for keep the process alive; sweeping abandoned jobs does not.
    if (this.#jobs.size > 0) this.#timer.ref();
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      if (this.#jobs.size === 0) {
        this.#timer?.unref();
        if (this.#abandoned.size === 0) {
          clearInterval(this.#timer);
          this.#timer = undefined;
          return;
        }
      }
      let workers: number | undefined;
      try {
        workers = await this.#bounded(this.#o.queue.getWorkersCount());
        this.#lastRedisOk = Date.now();
        if (workers > 0) this.#lastWorkerSeen = Date.now();
      } catch {
        // Unreachable: judged below.
      }
      await Promise.all([...this.#jobs.values()].map((inFlight) => this.#check(inFlight, workers)));
      const unreachableMs = Date.now() - this.#lastRedisOk;
      if (unreachableMs > this.#o.noWorkerTimeoutMs) {
        for (const inFlight of [...this.#jobs.values()]) {
          const error = new RedisUnavailableError(
            inFlight.taskName,
            inFlight.jobId,
            `could not be read: Redis has not answered for ${unreachableMs} ms (noWorkerTimeoutMs is ${this.#o.noWorkerTimeoutMs})`,
          );
          this.#settle(inFlight, this.#failure(inFlight, error));
          this.#forget(inFlight.jobId, inFlight.blobs, true);
        }
      }
      await this.#sweep().catch(() => undefined);
    } finally {
      this.#ticking = false;
    }
  }

  async #check(inFlight: InFlight, workers: number | undefined): Promise<void> {
    if (inFlight.settled) return;
    if (inFlight.checking) {
      inFlight.recheck = true;
      return;
    }
    inFlight.checking = true;
    try {
      do {
        inFlight.recheck = false;
        await this.#checkOnce(inFlight, workers);
      } while (inFlight.recheck && !inFlight.settled);
    } catch {
      // Redis did not answer in time: the tick's unreachable check decides.
    } finally {
      inFlight.checking = false;
    }
  }

  async #checkOnce(inFlight: InFlight, workers: number | undefined): Promise<void> {
    const now = Date.now();
    const { noWorkerTimeoutMs } = this.#o;
    if (!inFlight.addedOk) {
      if (now - inFlight.addedAt > noWorkerTimeoutMs) {
        const error = new RedisUnavailableError(
          inFlight.taskName,
          inFlight.jobId,
          `could not be added to the queue: Redis has not answered for ${now - inFlight.addedAt} ms (noWorkerTimeoutMs)`,
        );
        this.#settle(inFlight, this.#failure(inFlight, error));
        this.#forget(inFlight.jobId, inFlight.blobs, true);
      }
      return;
    }
    const job = await this.#bounded(Job.fromId(this.#o.queue, inFlight.jobId));
    this.#lastRedisOk = Date.now();
    if (inFlight.settled) return;
    if (!job) {
      const error = new RedisUnavailableError(
        inFlight.taskName,
        inFlight.jobId,
        'vanished from Redis while it was in flight (Redis restarted without persistence, flushed, or the job was removed)',
      );
      this.#settle(inFlight, this.#failure(inFlight, error));
      this.#forget(inFlight.jobId, inFlight.blobs, false);
      return;
    }
    const result = job.returnvalue as unknown;
    if (job.finishedOn && !job.failedReason && isJobResult(result)) {
      await this.#completed(inFlight, result);
      return;
    }
    if (job.stalledCounter > 0 || /stalled/i.test(job.failedReason ?? '')) {
      await this.#lost(inFlight, job, job.failedReason || 'its lock expired and the stalled check took the job back');
      return;
    }
    if (job.finishedOn && job.failedReason) {
      const lines = await this.#lines(inFlight, -1);
      replayLines(inFlight.request.log, lines);
      this.#settle(inFlight, {
        ...this.#failure(inFlight, new Error(`Job ${inFlight.jobId} failed on its worker: ${job.failedReason}`)),
        startedAt: job.processedOn ?? inFlight.addedAt,
        workerId: workerIdOf(job),
      });
      this.#forget(inFlight.jobId, inFlight.blobs, true);
      return;
    }
    if (job.finishedOn) {
      // Finished, but not by a processes worker (its return value is not ours): say so rather than wait.
      const error = new Error(
        `Job ${inFlight.jobId} was finished without a processes result; is a worker other than \`processes worker\` taking jobs from queue "${this.#o.queueName}"?`,
      );
      this.#settle(inFlight, { ...this.#failure(inFlight, error), workerId: workerIdOf(job) });
      this.#forget(inFlight.jobId, inFlight.blobs, false);
      return;
    }
    if (workers === 0 && now - Math.max(this.#lastWorkerSeen, inFlight.addedAt) > noWorkerTimeoutMs) {
      const waitedMs = now - Math.max(this.#lastWorkerSeen, inFlight.addedAt);
      const error = job.processedOn
        ? new WorkerLostError(
            inFlight.taskName,
            inFlight.request.attempt,
            inFlight.jobId,
            inFlight.request.timeoutMs,
            `no worker has been connected to the queue for ${waitedMs} ms`,
          )
        : new NoWorkerError(inFlight.taskName, this.#o.queueName, waitedMs);
      this.#settle(inFlight, { ...this.#failure(inFlight, error), workerId: workerIdOf(job) });
      this.#forget(inFlight.jobId, inFlight.blobs, true);
    }
  }

  async #completed(inFlight: InFlight, result: JobResult): Promise<void> {
    const { store } = this.#o.sink;
    const resultBlob = blobKeyOf(result.outcome);
    // Owned from now on: a cancel or close racing the reads below deletes it with the attempt's other blobs.
    if (resultBlob && !inFlight.blobs.includes(resultBlob)) inFlight.blobs.push(resultBlob);
    const blobs = inFlight.blobs;
    let outcome: AttemptOutcome;
    try {
      outcome = (await this.#bounded(
        decodePayload(result.outcome, store, inFlight.taskName, this.#o.stash),
      )) as AttemptOutcome;
    } catch (error) {
      if (error instanceof Timeout) throw error;
      outcome = this.#failure(inFlight, error);
    }
    const lines = result.logLines > 0 ? await this.#lines(inFlight, result.logLines - 1) : [];
    if (inFlight.settled) return;
    replayLines(inFlight.request.log, lines);
    this.#settle(inFlight, outcome);
    // Only the keys this job made are deleted, with the job, in the next batch.
    const extra = [
      ...(result.logLines > 0 ? [this.#o.keys.log(inFlight.jobId)] : []),
      ...('stored' in result.outcome ? [result.outcome.stored] : []),
    ];
    this.#removal.add(inFlight.jobId, extra, blobs);
  }

  async #lost(inFlight: InFlight, job: Job, reason: string): Promise<void> {
    const lines = await this.#lines(inFlight, -1);
    const takenBy = await this.#bounded(this.#o.redis.hget(this.#o.keys.job(inFlight.jobId), TAKEN_BY_FIELD));
    if (inFlight.settled) return;
    replayLines(inFlight.request.log, lines);
    const { attempt, timeoutMs } = inFlight.request;
    const error = new WorkerLostError(inFlight.taskName, attempt, inFlight.jobId, timeoutMs, reason);
    this.#settle(inFlight, {
      ...this.#failure(inFlight, error),
      startedAt: job.processedOn ?? inFlight.addedAt,
      workerId: takenBy ?? workerIdOf(job),
    });
    // Removed from `wait` before another worker takes it back (it would only fail it).
    this.#forget(inFlight.jobId, inFlight.blobs, true);
  }

  async #lines(inFlight: InFlight, last: number): Promise<Buffer[]> {
    if (!inFlight.request.log) return [];
    const { redis } = this.#o;
    return this.#bounded(redis.lrangeBuffer(this.#o.keys.log(inFlight.jobId), 0, last));
  }

  #cancel(inFlight: InFlight, why = 'run-aborted'): void {
    if (inFlight.settled) return;
    this.#settle(inFlight, this.#failure(inFlight, new Error(why)));
    const work = (async () => {
      // Bounded: with Redis gone the add may never settle, and close() waits for this.
      await this.#bounded(inFlight.added ?? Promise.resolve()).catch(() => undefined);
      if (!inFlight.addedOk) return;
      const { redis } = this.#o;
      // A waiting job is removed; a running one is locked, so its worker is told to stop it.
      const removed = await this.#bounded(this.#o.queue.remove(inFlight.jobId)).catch(() => 0);
      if (removed !== 1) await this.#bounded(redis.publish(this.#o.keys.cancel, inFlight.jobId)).catch(() => 0);
      this.#forget(inFlight.jobId, inFlight.blobs, removed !== 1);
    })();
    this.#keep(work);
  }

  /** The job is done with: its job, log list and blobs go now, or once it finishes when it is still running. */
  #forget(jobId: string, blobs: readonly string[], mayBeRunning: boolean): void {
    if (mayBeRunning) {
      this.#abandoned.set(jobId, blobs);
      this.#startTimer();
      this.#keep(this.#sweep());
      return;
    }
    this.#keep(this.#removeAll(jobId, blobs, true));
  }

  async #removeAll(jobId: string, blobs: readonly string[], removeJob: boolean): Promise<void> {
    const { store } = this.#o.sink;
    const { redis } = this.#o;
    await Promise.all([
      removeJob ? this.#bounded(this.#o.queue.remove(jobId)) : undefined,
      this.#bounded(redis.del(this.#o.keys.log(jobId), this.#o.keys.result(jobId))),
      blobs.length > 0 ? this.#bounded(store.delete(blobs)) : undefined,
    ]);
  }

  /** Removes abandoned jobs that have finished (or were never taken). */
  async #sweep(): Promise<void> {
    for (const [jobId, blobs] of [...this.#abandoned]) {
      const job = await this.#bounded(Job.fromId(this.#o.queue, jobId));
      if (job && !job.finishedOn) {
        // Still waiting (a lost job put back): removing it succeeds; running: it is locked.
        const removed = await this.#bounded(this.#o.queue.remove(jobId)).catch(() => 0);
        if (removed !== 1) continue;
      }
      const result = job?.returnvalue as JobResult | null | undefined;
      const resultBlob = result && typeof result === 'object' ? blobKeyOf(result.outcome) : undefined;
      this.#abandoned.delete(jobId);
      await this.#removeAll(jobId, resultBlob ? [...blobs, resultBlob] : blobs, job !== undefined);
    }
  }

  #keep(work: Promise<unknown>): void {
    const kept = work.catch(() => undefined).finally(() => this.#background.delete(kept));
    this.#background.add(kept);
  }

  #settle(inFlight: InFlight, outcome: AttemptOutcome): void {
    if (inFlight.settled) return;
    inFlight.settled = true;
    this.#jobs.delete(inFlight.jobId);
    inFlight.detach();
    if (this.#jobs.size === 0) this.#timer?.unref();
    inFlight.resolve(outcome);
  }

  #failure(inFlight: InFlight, error: unknown): AttemptOutcome {
    const finishedAt = Date.now();
    return { ok: false, error: serializeError(error), startedAt: inFlight.addedAt, finishedAt, workerId: 'bullmq' };
  }

  #bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout('Redis did not answer in time')), this.#callTimeoutMs);
    });
    work.catch(() => undefined);
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The worker a job was taken by (`host:pid`), as BullMQ recorded it. */
function workerIdOf(job: Job): string {
  return job.processedBy ?? 'bullmq';
}

function isJobResult(value: unknown): value is JobResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as JobResult).format === JOB_FORMAT &&
    typeof (value as JobResult).outcome === 'object' &&
    typeof (value as JobResult).logLines === 'number'
  );
}
