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
import type { RedisClients } from './connection.js';
import { ExecutorClosedError, NoWorkerError, RedisUnavailableError, WorkerLostError } from './errors.js';
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
  /** The executor's clients: whether Redis answers, and what it last said when it did not. */
  readonly clients: RedisClients;
}

/**
 * How long close() waits for the jobs it stopped (or abandoned) to finish on
 * their workers, so it can delete them rather than leave them to their TTL.
 */
export const CLOSE_DRAIN_MS = 3000;

/** How often close() looks at those jobs meanwhile. */
const CLOSE_DRAIN_POLL_MS = 50;

class Timeout extends Error {}

/** A job given up on that may still be running: removed once it has finished. */
interface Abandoned {
  readonly blobs: readonly string[];
  /** No worker holds it any more (none is connected): its lock may be deleted to remove it. */
  readonly orphaned: boolean;
}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #jobs = new Map<string, InFlight>();
  /** Jobs of cancelled or lost attempts still in Redis: removed once they finish. */
  readonly #abandoned = new Map<string, Abandoned>();
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
          // Settled before Redis took the job (cancelled, closed, or given up on while
          // Redis did not answer, and the add replayed once it did): it must not run.
          if (inFlight.settled) this.#withdraw(inFlight);
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
    for (const inFlight of [...this.#jobs.values()]) {
      this.#cancel(inFlight, new ExecutorClosedError(inFlight.taskName, true));
    }
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    // The jobs just stopped finish on their workers within moments: wait for them and
    // delete them, rather than leave them in Redis until their TTL.
    const deadline = Date.now() + CLOSE_DRAIN_MS;
    while (this.#abandoned.size > 0 && this.#o.clients.ready && Date.now() < deadline) {
      await this.#sweep().catch(() => undefined);
      if (this.#abandoned.size > 0) await new Promise((resolve) => setTimeout(resolve, CLOSE_DRAIN_POLL_MS));
    }
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
      // A wrong password is not waited out: no reconnect will fix it.
      const refused = this.#o.clients.fatalError !== undefined && unreachableMs >= this.#callTimeoutMs;
      if (unreachableMs > this.#o.noWorkerTimeoutMs || refused) {
        for (const inFlight of [...this.#jobs.values()]) {
          const error = new RedisUnavailableError(
            inFlight.taskName,
            inFlight.jobId,
            `could not be read: ${this.#unanswered(unreachableMs)}`,
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
          `could not be added to the queue: ${this.#unanswered(now - inFlight.addedAt)}`,
        );
        // If the add is sent when Redis is back, its handler withdraws the job.
        this.#settle(inFlight, this.#failure(inFlight, error));
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
      this.#replay(inFlight, lines);
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
      // No worker is left to renew a running job's lock or to run the stalled check that frees it.
      this.#forget(inFlight.jobId, inFlight.blobs, true, true);
      return;
    }
    if (job.processedOn && inFlight.request.log) {
      // Running: the lines logged so far reach the task's log file now, not when it ends.
      const lines = await this.#lines(inFlight, -1);
      if (!inFlight.settled) this.#replay(inFlight, lines);
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
    this.#replay(inFlight, lines);
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
    this.#replay(inFlight, lines);
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

  /** The job's log lines not replayed yet, up to index `last` (-1: all there are). */
  async #lines(inFlight: InFlight, last: number): Promise<Buffer[]> {
    if (!inFlight.request.log) return [];
    const { redis } = this.#o;
    return this.#bounded(redis.lrangeBuffer(this.#o.keys.log(inFlight.jobId), inFlight.linesReplayed, last));
  }

  #replay(inFlight: InFlight, lines: readonly Buffer[]): void {
    replayLines(inFlight.request.log, lines);
    inFlight.linesReplayed += lines.length;
  }

  #cancel(inFlight: InFlight, why: Error = new Error('run-aborted')): void {
    if (inFlight.settled) return;
    this.#settle(inFlight, this.#failure(inFlight, why));
    if (inFlight.addedOk) this.#withdraw(inFlight);
    // Being added: its handler withdraws it. Bounded (with Redis gone the add may never
    // settle), so that close() waits a moment for it and no longer.
    else this.#keep(this.#bounded(inFlight.added ?? Promise.resolve()));
  }

  /** The job of a settled attempt must not run, or run on: removed while it waits, else its worker is told to stop it. */
  #withdraw(inFlight: InFlight): void {
    const work = (async () => {
      const { redis } = this.#o;
      // A waiting job is removed; a running one is locked, so its worker is told to stop it.
      const removed = await this.#bounded(this.#o.queue.remove(inFlight.jobId)).catch(() => 0);
      if (removed !== 1) await this.#bounded(redis.publish(this.#o.keys.cancel, inFlight.jobId)).catch(() => 0);
      this.#forget(inFlight.jobId, inFlight.blobs, removed !== 1);
    })();
    this.#keep(work);
  }

  /** The job is done with: its job, log list and blobs go now, or once it finishes when it is still running. */
  #forget(jobId: string, blobs: readonly string[], mayBeRunning: boolean, orphaned = false): void {
    if (mayBeRunning) {
      this.#abandoned.set(jobId, { blobs, orphaned });
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
    for (const [jobId, { blobs, orphaned }] of [...this.#abandoned]) {
      const job = await this.#bounded(Job.fromId(this.#o.queue, jobId));
      if (job && !job.finishedOn) {
        // Still waiting (a lost job put back): removing it succeeds; running: it is locked.
        let removed = await this.#bounded(this.#o.queue.remove(jobId)).catch(() => 0);
        if (removed !== 1 && orphaned) {
          // Its worker is gone and no other runs the stalled check: the lock is the dead worker's.
          await this.#bounded(this.#o.redis.del(`${this.#o.keys.job(jobId)}:lock`));
          removed = await this.#bounded(this.#o.queue.remove(jobId)).catch(() => 0);
        }
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

  /** Why Redis is taken as unreachable: how long it has been silent, and what it last said. */
  #unanswered(silentMs: number): string {
    const last = this.#o.clients.lastError;
    return `Redis has not answered for ${silentMs} ms (noWorkerTimeoutMs is ${this.#o.noWorkerTimeoutMs})${last ? `; its last error: ${last.message}` : ''}`;
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
