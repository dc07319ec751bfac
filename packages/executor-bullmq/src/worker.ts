// A worker process: takes attempts' jobs from the queue and runs each on a
// thread of its own local WorkerPool, so a hard timeout terminates that
// thread and the process lives on, and the process's main thread stays free
// for BullMQ's lock renewal whatever the tasks do.

import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type AttemptOutcome, type AttemptRequest, type LogSink, serializeError, WorkerPool } from 'processes-core';
import { type BlobStore, RedisBlobStore } from './blob-store.js';
import { resolveModule, sha256OfFile } from './code-identity.js';
import { decodePayload, encodeResult, type PayloadSink } from './codec.js';
import { redisOptions } from './connection.js';
import { CodeMismatchError, PayloadSerializationError } from './errors.js';
import { keysOf, SET_TAKEN_BY, TAKEN_BY_FIELD } from './keys.js';
import { encodeLine } from './log-lines.js';
import { parseWorkerOptions, WORKER_DEFAULTS, type WorkerOptions } from './options.js';
import { JOB_FORMAT, type JobData, type JobResult, RETURN_VALUE_MAX_BYTES } from './protocol.js';

export type { WorkerOptions } from './options.js';

/** The name the taken-by script is defined under on the worker's command connection. */
const SET_TAKEN_BY_COMMAND = 'processesSetTakenBy';
type SetTakenBy = (jobKey: string, field: string, workerId: string) => Promise<unknown>;

/** A running worker process's handle: {@link startWorker}'s result. */
export interface ProcessesWorker extends AsyncDisposable {
  /** `host:pid`, the prefix of the `workerId` of every attempt it runs. */
  readonly id: string;
  /** The queue it takes jobs from. */
  readonly queue: string;
  /** Jobs running now. */
  readonly running: number;
  /** Stops taking jobs, lets the running ones finish, then closes the pool and its connections. */
  close(): Promise<void>;
}

/**
 * Starts taking jobs from the queue: what `processes worker` runs, for a
 * service that embeds a worker. Resolves once it is connected.
 */
export async function startWorker(options: WorkerOptions): Promise<ProcessesWorker> {
  const o = parseWorkerOptions(options);
  const d = WORKER_DEFAULTS;
  const queue = o.queue ?? d.queue;
  const prefix = o.prefix ?? d.prefix;
  const root = path.resolve(o.root ?? process.cwd());
  const threads = o.threads ?? availableParallelism();
  const keys = keysOf(prefix, queue);
  const id = `${hostname()}:${process.pid}`;
  const connection = redisOptions(o.connection);
  const commands = new Redis(connection);
  const subscriber = new Redis(connection);
  commands.on('error', () => undefined);
  // Sent by its hash (EVALSHA; ioredis loads it on a NOSCRIPT reply): Redis does not hash the body per job.
  commands.defineCommand(SET_TAKEN_BY_COMMAND, { numberOfKeys: 1, lua: SET_TAKEN_BY });
  const setTakenBy = (jobId: string): Promise<unknown> =>
    (commands as unknown as Record<typeof SET_TAKEN_BY_COMMAND, SetTakenBy>)[SET_TAKEN_BY_COMMAND](
      keys.job(jobId),
      TAKEN_BY_FIELD,
      id,
    );
  subscriber.on('error', () => undefined);
  const stash = new RedisBlobStore(commands);
  const sink: PayloadSink = {
    inlineCapBytes: o.inlineCapBytes ?? d.inlineCapBytes,
    ttlMs: o.blobTtlMs ?? d.blobTtlMs,
    store: (o.blobStore ?? new RedisBlobStore(commands)) as BlobStore,
  };
  const pool = new WorkerPool({ ...o.pool, maxThreads: threads, minThreads: Math.min(threads, 1) });
  const running = new Map<string, AbortController>();
  const hashes = new Map<string, Promise<string | null>>();

  await subscriber.subscribe(keys.cancel);
  subscriber.on('message', (_channel: string, jobId: string) => running.get(jobId)?.abort());

  async function runJob(job: Job<JobData>): Promise<JobResult> {
    const data = job.data;
    const jobId = job.id ?? '';
    if (data.format !== JOB_FORMAT) throw new Error(`unknown job format ${String(data.format)}`);
    const controller = new AbortController();
    running.set(jobId, controller);
    // Not awaited: it only matters if this process dies, and must not delay the attempt.
    // Sent now, before the hop to the thread: sent after it (to overlap the attempt), Redis
    // woke to run it just when the thread needed a core, and on the loaded 2-core bench
    // machine the round trip got slower (scripts/bench, distributed-overhead).
    void setTakenBy(jobId).catch(() => undefined);
    let logLines = 0;
    let lastPush: Promise<unknown> = Promise.resolve();
    const logKey = keys.log(jobId);
    const log: LogSink = (level, msg, fields) => {
      logLines++;
      // One connection keeps the pushes in order; the result waits for the last.
      lastPush = commands.rpush(logKey, encodeLine({ level, msg, fields }));
      if (logLines === 1) void commands.pexpire(logKey, sink.ttlMs).catch(() => undefined);
    };
    try {
      const outcome = await attempt(data, data.forwardLogs ? log : null, controller.signal);
      await lastPush.catch(() => undefined);
      return { format: JOB_FORMAT, outcome: await encodeOutcome(data, jobId, outcome), logLines };
    } finally {
      running.delete(jobId);
    }
  }

  async function attempt(data: JobData, log: LogSink | null, signal: AbortSignal): Promise<AttemptOutcome> {
    const startedAt = Date.now();
    const refused = (error: unknown): AttemptOutcome => {
      const finishedAt = Date.now();
      return { ok: false, error: serializeError(error), startedAt, finishedAt, workerId: id };
    };
    let moduleUrl: string;
    if ('dataUrl' in data.module) moduleUrl = data.module.dataUrl;
    else {
      moduleUrl = resolveModule(data.module, root);
      const actual = await hashOf(moduleUrl);
      if (actual !== data.module.sha256) {
        return refused(new CodeMismatchError(data.taskName, data.module.path, data.module.sha256, actual, id));
      }
    }
    let args: unknown[];
    try {
      args = (await decodePayload(data.args, sink.store, data.taskName)) as unknown[];
    } catch (error) {
      return refused(error);
    }
    const request: AttemptRequest = {
      task: { kind: 'worker', name: data.taskName, moduleUrl, exportName: data.exportName },
      args,
      argumentOrigins: args.map((_, index) => ({ kind: 'arg', index })),
      attempt: data.attempt,
      runId: data.runId,
      processName: data.processName,
      timeoutMs: data.timeoutMs,
      transferResult: false,
      movableArgs: [],
      tracedVars: data.tracedVars,
      redact: data.redact,
      log,
      logLevel: data.logLevel,
    };
    const outcome = await pool.execute(request, { signal });
    const thread = /^thread:(\d+)$/.exec(outcome.workerId)?.[1];
    return { ...outcome, workerId: thread === undefined ? id : `${id}:${thread}` };
  }

  function hashOf(moduleUrl: string): Promise<string | null> {
    // Hashed once per module per worker: a deploy restarts the worker.
    let hash = hashes.get(moduleUrl);
    if (!hash) {
      hash = sha256OfFile(fileURLToPath(moduleUrl));
      hashes.set(moduleUrl, hash);
      void hash.then((value) => value === null && hashes.delete(moduleUrl));
    }
    return hash;
  }

  async function encodeOutcome(data: JobData, jobId: string, outcome: AttemptOutcome): Promise<JobResult['outcome']> {
    const encode = (value: AttemptOutcome) =>
      encodeResult(value, sink, keys.blob(jobId, 'result'), stash, keys.result(jobId), RETURN_VALUE_MAX_BYTES);
    try {
      return await encode(outcome);
    } catch (cause) {
      const error = new PayloadSerializationError(data.taskName, 'result', { cause });
      return encode({ ...outcome, ok: false, error: serializeError(error) });
    }
  }

  const worker = new Worker<JobData, JobResult>(queue, runJob, {
    connection,
    prefix,
    name: id,
    concurrency: threads,
    lockDuration: o.lockDurationMs ?? d.lockDurationMs,
    stalledInterval: o.stalledIntervalMs ?? d.stalledIntervalMs,
    // A stalled job is not run again by BullMQ: the coordinator records the
    // attempt as worker-lost and retries it under the task's retry policy.
    maxStalledCount: 0,
    autorun: false,
  });
  worker.on('error', () => undefined);
  void worker.run().catch(() => undefined);
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await worker.close();
      await pool.close();
      await Promise.allSettled([subscriber.quit(), commands.quit()]);
    })();
    return closing;
  };
  return {
    id,
    queue,
    get running() {
      return running.size;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
