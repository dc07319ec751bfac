import { ProcessesError, TaskTimeoutError } from 'processes-core';

/**
 * The worker that held an attempt's job stopped renewing its lock (killed,
 * its machine gone, cut off from Redis) and BullMQ's stalled check moved the
 * job out of `active`. A `TaskTimeoutError` with `endedBy: 'worker-lost'`,
 * so it is retried by default like any timeout when the task has `retries`.
 */
export class WorkerLostError extends TaskTimeoutError {
  static override readonly code: string = 'PROC_BULLMQ_WORKER_LOST';
  /** The job whose worker was lost. */
  readonly jobId: string;

  constructor(taskName: string, attempt: number, jobId: string, timeoutMs: number | null, reason: string) {
    super(taskName, timeoutMs ?? 0, attempt, 'worker-lost');
    this.jobId = jobId;
    this.message = `Task "${taskName}" (attempt ${attempt}): the worker running job ${jobId} was lost (${reason}); the attempt may have run in part, or in full, before it was lost.`;
  }
}

/**
 * A worker refused a job because the task's module on its machine is not
 * the module the coordinator hashed: different code is never run silently.
 */
export class CodeMismatchError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_CODE_MISMATCH';
  /** The module's path relative to the roots of coordinator and worker. */
  readonly modulePath: string;
  /** sha256 of the module file as the coordinator read it. */
  readonly expectedHash: string;
  /** sha256 of the file the worker found, or `null` when it found none. */
  readonly actualHash: string | null;
  /** The worker that refused the job (`host:pid`). */
  readonly worker: string;

  constructor(taskName: string, modulePath: string, expectedHash: string, actualHash: string | null, worker: string) {
    super(
      actualHash === null
        ? `Task "${taskName}": worker ${worker} has no module ${modulePath} under its --root (the coordinator's has sha256 ${expectedHash}); deploy the same code to every worker.`
        : `Task "${taskName}": worker ${worker} has different code for ${modulePath}: sha256 ${actualHash} there, ${expectedHash} on the coordinator; deploy the same code to every worker.`,
      taskName,
    );
    this.modulePath = modulePath;
    this.expectedHash = expectedHash;
    this.actualHash = actualHash;
    this.worker = worker;
  }
}

/**
 * A job was waiting (or running) with no worker connected to its queue for
 * `noWorkerTimeoutMs`: the fleet is empty or cannot reach Redis.
 */
export class NoWorkerError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_NO_WORKER';
  readonly queue: string;
  readonly waitedMs: number;

  constructor(taskName: string, queue: string, waitedMs: number) {
    super(
      `Task "${taskName}": no worker has been connected to queue "${queue}" for ${waitedMs} ms (noWorkerTimeoutMs); start one with \`processes worker --redis URL --queue ${queue}\`.`,
      taskName,
    );
    this.queue = queue;
    this.waitedMs = waitedMs;
  }
}

/**
 * The coordinator could not reach Redis for `noWorkerTimeoutMs`, or an
 * attempt's job vanished from it (Redis restarted without persistence,
 * flushed, or the job was removed by someone else).
 */
export class RedisUnavailableError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_REDIS_UNAVAILABLE';
  readonly jobId: string;

  constructor(taskName: string, jobId: string, detail: string, options?: ErrorOptions) {
    super(`Task "${taskName}": job ${jobId} ${detail}.`, taskName, options);
    this.jobId = jobId;
  }
}

/** An argument or a result could not be written with v8 serialisation (a function, a symbol, …). */
export class PayloadSerializationError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_UNSERIALIZABLE';
  /** `'args'` or `'result'`. */
  readonly what: 'args' | 'result';

  constructor(taskName: string, what: 'args' | 'result', options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      `Task "${taskName}": its ${what === 'args' ? 'arguments' : 'result'} cannot cross to another machine (v8 serialisation failed: ${reason}); pass plain data, Buffers, typed arrays, Dates, Maps or Sets.`,
      taskName,
      options,
    );
    this.what = what;
  }
}

/** A blob the job refers to is gone from the blob store (its TTL passed, or Redis lost it). */
export class BlobMissingError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_BLOB_MISSING';
  readonly key: string;

  constructor(taskName: string, key: string) {
    super(
      `Task "${taskName}": blob ${key} is missing from the blob store (expired: raise blobTtlMs, or Redis lost it).`,
      taskName,
    );
    this.key = key;
  }
}

/** A task's module cannot be sent: only `file:` modules under the coordinator's root (or `data:` URLs) can. */
export class ModuleOutsideRootError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_MODULE_OUTSIDE_ROOT';
  readonly moduleUrl: string;
  readonly root: string;

  constructor(taskName: string, moduleUrl: string, root: string) {
    super(
      `Task "${taskName}": its module ${moduleUrl} is not under the coordinator's root ${root}; workers resolve modules relative to their --root, so set BullMQExecutor's \`root\` to a directory that contains it.`,
      taskName,
    );
    this.moduleUrl = moduleUrl;
    this.root = root;
  }
}

/**
 * A worker (or anything that must connect before it starts) could not reach
 * Redis in time, or Redis refused it (a wrong password: failed at once).
 */
export class RedisConnectionError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_REDIS_CONNECT';
  /** `host:port` it tried (never the password). */
  readonly address: string;
  readonly waitedMs: number;

  constructor(who: string, address: string, waitedMs: number, lastError: Error | undefined) {
    super(
      `${who} could not connect to Redis at ${address} ${lastError ? `(${lastError.message})` : `within ${waitedMs} ms (no answer)`}; check the URL, that redis-server is running and reachable from here, and its password.`,
      undefined,
      lastError ? { cause: lastError } : undefined,
    );
    this.address = address;
    this.waitedMs = waitedMs;
  }
}

/** An attempt was given to a {@link BullMQExecutor} after `close()`, or was running when it was closed. */
export class ExecutorClosedError extends ProcessesError {
  static override readonly code: string = 'PROC_BULLMQ_EXECUTOR_CLOSED';

  constructor(taskName: string, whileRunning: boolean) {
    super(
      whileRunning
        ? `Task "${taskName}": the BullMQ executor was closed while the attempt ran; its job was stopped on its worker. Close the executor after the runs that use it have settled.`
        : `Task "${taskName}": the BullMQ executor is closed; create a new one, or do not close it while runs use it.`,
      taskName,
    );
  }
}
