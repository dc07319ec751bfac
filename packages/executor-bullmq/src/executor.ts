import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type AttemptOutcome,
  type AttemptRequest,
  type ExecuteOptions,
  type Executor,
  serializeError,
  type TaskSpec,
} from 'processes-core';
import { uncloneableArgument } from 'processes-core/internal';
import { type BlobStore, BlobStoreTimeout, boundedStore, RedisBlobStore } from './blob-store.js';
import { moduleIdentity } from './code-identity.js';
import { encodePayload, type PayloadSink } from './codec.js';
import { RedisClients } from './connection.js';
import { ExecutorClosedError, PayloadSerializationError, RedisUnavailableError } from './errors.js';
import { InFlight } from './in-flight.js';
import { jobIdOf } from './job-id.js';
import { type Keys, keysOf } from './keys.js';
import { type BullMQExecutorOptions, EXECUTOR_DEFAULTS, parseExecutorOptions } from './options.js';
import { JOB_FORMAT, type JobData } from './protocol.js';
import { Reconciler } from './reconciler.js';

export type { BullMQExecutorOptions } from './options.js';

/** How long close() waits for Redis to acknowledge before it drops the connections. */
const CLOSE_GRACE_MS = 3000;

/**
 * Runs worker tasks (`workerTask(...)`) on a fleet of worker processes
 * (`processes worker`, {@link startWorker}) through a plain BullMQ queue:
 * one job per attempt, with the id `<runId>-<task>-<attempt>`. Retries,
 * backoff and fault isolation stay with the run on this machine, so the
 * report is the one a local run gives. Main-thread tasks stay here.
 *
 * ```ts
 * await using executor = new BullMQExecutor({ connection: 'redis://127.0.0.1:6379', queue: 'etl' });
 * const report = await process.run({ executors: [executor] });
 * ```
 *
 * Execution is at-least-once: an attempt whose worker is lost may have run
 * (in part) before it was re-run; make tasks idempotent (docs/distributed.md).
 */
export class BullMQExecutor implements Executor, AsyncDisposable {
  readonly name = 'bullmq';
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #keys: Keys;
  readonly #root: string;
  readonly #queueName: string;
  readonly #sink: PayloadSink;
  readonly #redis: Redis;
  readonly #clients: RedisClients;
  readonly #reconciler: Reconciler;
  readonly #modules = new Map<string, Promise<JobData['module']>>();
  #closed = false;

  constructor(options: BullMQExecutorOptions) {
    const o = parseExecutorOptions(options);
    const d = EXECUTOR_DEFAULTS;
    const noWorkerTimeoutMs = o.noWorkerTimeoutMs ?? d.noWorkerTimeoutMs;
    this.#queueName = o.queue ?? d.queue;
    const prefix = o.prefix ?? d.prefix;
    this.#root = o.root ?? process.cwd();
    this.#keys = keysOf(prefix, this.#queueName);
    // Every client is this executor's own (BullMQ's are duplicates of them), so close() can drop them all.
    this.#clients = new RedisClients(o.connection);
    this.#queue = new Queue(this.#queueName, { connection: this.#clients.create(), prefix });
    this.#events = new QueueEvents(this.#queueName, { connection: this.#clients.create({}, true), prefix });
    // Errors of the connections show up as unreachable Redis in the reconciler; without
    // a listener an 'error' event would be thrown.
    this.#queue.on('error', () => undefined);
    this.#events.on('error', () => undefined);
    this.#redis = this.#clients.create();
    this.#sink = {
      inlineCapBytes: o.inlineCapBytes ?? d.inlineCapBytes,
      ttlMs: o.blobTtlMs ?? d.blobTtlMs,
      // Bounded like every other wait: a store that does not answer would hold the attempt for ever.
      store: boundedStore((o.blobStore ?? new RedisBlobStore(this.#redis)) as BlobStore, noWorkerTimeoutMs),
    };
    this.#reconciler = new Reconciler({
      queue: this.#queue,
      redis: this.#redis,
      queueName: this.#queueName,
      keys: this.#keys,
      sink: this.#sink,
      stash: new RedisBlobStore(this.#redis),
      clients: this.#clients,
      noWorkerTimeoutMs,
      intervalMs: o.reconcileIntervalMs ?? d.reconcileIntervalMs,
    });
    // Queue events are a hint that a job may be done; the reconciler reads its state either way.
    for (const event of ['failed', 'stalled', 'removed'] as const) {
      this.#events.on(event, ({ jobId }: { jobId: string }) => this.#reconciler.hint(jobId));
    }
    // A completed event carries the return value: the common case needs no read of the job.
    this.#events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) =>
      this.#reconciler.completedHint(jobId, returnvalue),
    );
  }

  /** The queue's name. */
  get queue(): string {
    return this.#queueName;
  }

  /** Accepts every worker task; main-thread tasks stay on the coordinator. */
  accepts(task: TaskSpec): boolean {
    return task.kind === 'worker';
  }

  /** Sends one attempt as a job and settles when its job is done, lost, or the run is aborted. Never rejects. */
  async execute(request: AttemptRequest, { signal }: ExecuteOptions): Promise<AttemptOutcome> {
    const { task } = request;
    const jobId = jobIdOf(request.runId, task.name, request.attempt);
    const at = Date.now();
    const failed = (error: unknown): AttemptOutcome => ({
      ok: false,
      error: serializeError(error),
      startedAt: at,
      finishedAt: Date.now(),
      workerId: 'bullmq',
    });
    if (task.kind !== 'worker') return failed(new TypeError('The BullMQ executor runs worker tasks only.'));
    if (this.#closed) return failed(new ExecutorClosedError(task.name, false));
    if (signal.aborted) return failed(new Error('run-aborted'));
    const refused = this.#clients.fatalError;
    if (refused) {
      // A wrong password, or a database Redis does not have: no job can go where the workers look.
      return failed(
        new RedisUnavailableError(task.name, jobId, `was not sent: Redis refused this executor (${refused.message})`),
      );
    }
    let data: JobData;
    let sink: PayloadSink;
    try {
      sink = this.#sink;
      const module = await this.#moduleOf(task.name, task.moduleUrl);
      let args: JobData['args'];
      try {
        args = await encodePayload(request.args, sink, this.#keys.blob(jobId, 'args'));
      } catch (cause) {
        if (!(cause instanceof Error) || !/could not be cloned|serialize|#<Object>/i.test(cause.message)) throw cause;
        // Named as a local run names it (which argument, from which dependency), when structured clone agrees.
        throw (
          uncloneableArgument(task.name, request.args, request.argumentOrigins) ??
          new PayloadSerializationError(task.name, 'args', { cause })
        );
      }
      data = {
        format: JOB_FORMAT,
        runId: request.runId,
        taskName: task.name,
        attempt: request.attempt,
        processName: request.processName,
        module,
        exportName: task.exportName,
        timeoutMs: request.timeoutMs,
        logLevel: request.logLevel,
        forwardLogs: request.log !== null,
        tracedVars: request.tracedVars,
        redact: request.redact,
        transferResult: request.transferResult,
        args,
      };
    } catch (error) {
      if (error instanceof BlobStoreTimeout) {
        return failed(new RedisUnavailableError(task.name, jobId, `was not sent: ${error.message}`, { cause: error }));
      }
      return failed(error);
    }
    const inFlight = new InFlight(jobId, request, at, 'blob' in data.args ? [data.args.blob] : []);
    return this.#reconciler.track(inFlight, signal, () =>
      this.#queue.add(task.name, data, {
        jobId,
        attempts: 1,
        // The reconciler removes a job once it has read it; these bound what an
        // abandoned job (its coordinator gone) leaves behind.
        removeOnComplete: { age: Math.ceil(sink.ttlMs / 1000) },
        removeOnFail: { age: Math.ceil(sink.ttlMs / 1000) },
      }),
    );
  }

  #moduleOf(taskName: string, moduleUrl: string): Promise<JobData['module']> {
    let module = this.#modules.get(moduleUrl);
    if (!module) {
      module = moduleIdentity(taskName, moduleUrl, this.#root);
      this.#modules.set(moduleUrl, module);
      // A failure is not cached: the file may appear.
      module.catch(() => this.#modules.delete(moduleUrl));
    }
    return module;
  }

  /**
   * Forgets cached module hashes, so the next attempt hashes the files again
   * (after a deploy, in a long-lived coordinator).
   */
  rehashModules(): void {
    this.#modules.clear();
  }

  /**
   * Stops taking attempts, stops the running ones on their workers (they end
   * with an `ExecutorClosedError`), waits a moment for those jobs to finish
   * so that nothing of them is left in Redis, and closes its connections.
   * Returns within a few seconds even when Redis is gone.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reconciler.close();
    const clients = this.#clients;
    // BullMQ drops a connection that is still initialising with disconnect(),
    // which rejects the commands of its set-up with nobody awaiting them (an
    // unhandled rejection in the user's process): let them finish first, unless
    // Redis has already refused or failed them.
    if (clients.ready || clients.lastError === undefined) {
      const ready = Promise.all([this.#queue.waitUntilReady(), this.#events.waitUntilReady()]);
      const politely = ready.then(async () => {
        await Promise.allSettled([this.#events.close(), this.#queue.close()]);
        await clients.quit();
      });
      // A Redis that does not answer must not keep close() from returning.
      await clients.within(politely, CLOSE_GRACE_MS, 'BullMQExecutor.close()').catch(() => undefined);
    }
    // Whatever is left (a client still reconnecting to a Redis that is gone) would keep the process alive.
    await clients.disconnect();
    // Not awaited: BullMQ's close waits for a connection set-up that, Redis gone, never ends.
    for (const closing of [this.#events.close(), this.#queue.close()]) closing.catch(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
