// A worker process: takes attempts' jobs from the queue and runs each on a
// thread of its own local WorkerPool, so a hard timeout terminates that
// thread and the process lives on, and the process's main thread stays free
// for BullMQ's lock renewal whatever the tasks do.

import { stat } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DelayedError, type Job, Worker } from 'bullmq';
import {
  type AttemptOutcome,
  type AttemptRequest,
  InvalidOptionError,
  type LogSink,
  serializeError,
  WorkerPool,
} from 'processes-core';
import { type BlobStore, RedisBlobStore } from './blob-store.js';
import { resolveModule, sha256OfFile } from './code-identity.js';
import { blobKeyOf, decodePayload, encodeResult, type PayloadSink } from './codec.js';
import { RedisClients } from './connection.js';
import { CodeMismatchError, PayloadSerializationError } from './errors.js';
import { keysOf, PUSH_LOG_LINE, SET_TAKEN_BY, TAKEN_BY_FIELD } from './keys.js';
import { encodeLine } from './log-lines.js';
import { parseWorkerOptions, WORKER_DEFAULTS, type WorkerOptions } from './options.js';
import { JOB_FORMAT, type JobData, type JobResult, RETURN_VALUE_MAX_BYTES } from './protocol.js';

export type { WorkerOptions } from './options.js';

/** The names the worker's scripts are defined under on its command connection. */
const SET_TAKEN_BY_COMMAND = 'processesSetTakenBy';
const PUSH_LOG_LINE_COMMAND = 'processesPushLogLine';
interface WorkerScripts {
  [SET_TAKEN_BY_COMMAND](jobKey: string, field: string, workerId: string): Promise<unknown>;
  [PUSH_LOG_LINE_COMMAND](logKey: string, line: Buffer, ttlMs: number): Promise<unknown>;
}

/**
 * How long close() keeps waiting while Redis does not answer: the running
 * jobs' results cannot be delivered, and a worker that is told to stop must
 * stop (their jobs count as lost, and are retried elsewhere).
 */
const CLOSE_UNREACHABLE_GRACE_MS = 3000;
const CLOSE_POLL_MS = 100;

/**
 * What a job given up on (closing, with Redis gone) ends with. Returned or
 * thrown as usual, BullMQ would retry writing its end for ever, at once each
 * time on an ended client: a busy loop. A DelayedError is BullMQ's "the
 * processor moved the job itself": a closing worker then leaves it alone.
 * The job stays active in Redis, and counts as lost.
 */
function leftInRedis(): DelayedError {
  return new DelayedError('the worker was closed with Redis unreachable');
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value));
}

/** A running worker process's handle: {@link startWorker}'s result. */
export interface ProcessesWorker extends AsyncDisposable {
  /** `host:pid`, the prefix of the `workerId` of every attempt it runs. */
  readonly id: string;
  /** The queue it takes jobs from. */
  readonly queue: string;
  /** Jobs running now. */
  readonly running: number;
  /**
   * Stops taking jobs, lets the running ones finish, then closes the pool
   * and its connections. With Redis unreachable it gives up after a few
   * seconds (the running jobs' results could not be delivered anyway).
   */
  close(): Promise<void>;
}

/**
 * Starts taking jobs from the queue: what `processes worker` runs, for a
 * service that embeds a worker. Resolves once it is connected; rejects with
 * a `RedisConnectionError` when Redis cannot be reached in
 * `connectTimeoutMs` (or refuses its password), leaving nothing open.
 */
export async function startWorker(options: WorkerOptions): Promise<ProcessesWorker> {
  const o = parseWorkerOptions(options);
  const d = WORKER_DEFAULTS;
  const queue = o.queue ?? d.queue;
  const prefix = o.prefix ?? d.prefix;
  const root = path.resolve(o.root ?? process.cwd());
  const isDirectory = await stat(root).then(
    (found) => found.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new InvalidOptionError(
      'startWorker',
      'root',
      'an existing directory (task modules are resolved against it)',
      root,
      undefined,
      'No directory is there',
    );
  }
  const threads = o.threads ?? availableParallelism();
  const keys = keysOf(prefix, queue);
  const id = `${hostname()}:${process.pid}`;
  // Every client is the worker's own (BullMQ's blocking one is a duplicate), so all can be dropped.
  const clients = new RedisClients(o.connection);
  const commands = clients.create();
  const subscriber = clients.create();
  // Sent by their hashes (EVALSHA; ioredis loads a script on a NOSCRIPT reply): Redis does not hash the body per job.
  commands.defineCommand(SET_TAKEN_BY_COMMAND, { numberOfKeys: 1, lua: SET_TAKEN_BY });
  commands.defineCommand(PUSH_LOG_LINE_COMMAND, { numberOfKeys: 1, lua: PUSH_LOG_LINE });
  const scripts = commands as unknown as WorkerScripts;
  const setTakenBy = (jobId: string): Promise<unknown> =>
    scripts[SET_TAKEN_BY_COMMAND](keys.job(jobId), TAKEN_BY_FIELD, id);
  const stash = new RedisBlobStore(commands);
  const sink: PayloadSink = {
    inlineCapBytes: o.inlineCapBytes ?? d.inlineCapBytes,
    ttlMs: o.blobTtlMs ?? d.blobTtlMs,
    store: (o.blobStore ?? new RedisBlobStore(commands)) as BlobStore,
  };
  const pool = new WorkerPool({ ...o.pool, maxThreads: threads, minThreads: Math.min(threads, 1) });
  const running = new Map<string, AbortController>();
  /** Jobs the coordinator stopped: nobody wants their results, so this worker deletes them once they finish. */
  const stopped = new Set<string>();
  const hashes = new Map<string, Promise<string | null>>();

  subscriber.on('message', (_channel: string, jobId: string) => {
    const controller = running.get(jobId);
    if (!controller) return;
    stopped.add(jobId);
    controller.abort();
  });

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
      // One connection keeps the pushes in order; the result waits for the last. The
      // script gives a new list its TTL, also one re-made after the coordinator deleted
      // it (this worker stalled, its job was given up on, and it came back).
      lastPush = scripts[PUSH_LOG_LINE_COMMAND](logKey, encodeLine({ level, msg, fields }), sink.ttlMs);
    };
    try {
      const outcome = await attempt(data, data.forwardLogs ? log : null, controller.signal);
      await lastPush.catch(() => undefined);
      const result: JobResult = { format: JOB_FORMAT, outcome: await encodeOutcome(data, jobId, outcome), logLines };
      if (givenUp) throw leftInRedis();
      return result;
    } catch (error) {
      if (givenUp) throw leftInRedis();
      throw error;
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
    connection: clients.create(),
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
  worker.on('failed', (job: Job<JobData> | undefined) => stopped.delete(job?.id ?? ''));
  worker.on('completed', (job: Job<JobData>, result: JobResult) => {
    const jobId = job.id ?? '';
    if (!stopped.delete(jobId)) return;
    const blobs = [blobKeyOf(job.data.args), blobKeyOf(result.outcome)].filter((key) => key !== undefined);
    void Promise.allSettled([
      job.remove(),
      commands.del(keys.log(jobId), keys.result(jobId)),
      blobs.length > 0 ? sink.store.delete(blobs) : undefined,
    ]);
  });

  let givenUp = false;
  const dropAll = async (): Promise<void> => {
    givenUp = true;
    await clients.disconnect();
    // Not awaited: a polite close already under way waits for jobs whose results can no
    // longer be delivered, and BullMQ's close waits for a set-up that may never end.
    worker.close(true).catch(() => undefined);
    await pool.destroy();
  };
  try {
    await clients.within(
      Promise.all([subscriber.subscribe(keys.cancel), worker.waitUntilReady(), commands.ping()]),
      o.connectTimeoutMs ?? d.connectTimeoutMs,
      `Worker ${id}`,
    );
  } catch (error) {
    await dropAll();
    throw error;
  }
  void worker.run().catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Waits for the running jobs, and for as long as Redis answers: their results
      // are delivered. Redis silent for a grace period: nothing more can be delivered.
      const polite = worker.close().then(() => true);
      polite.catch(() => undefined);
      let silentSince: number | undefined;
      for (;;) {
        const closed = await Promise.race([polite, delay(CLOSE_POLL_MS, false)]).catch(() => true);
        if (closed) break;
        if (clients.ready) silentSince = undefined;
        else if (silentSince === undefined) silentSince = Date.now();
        else if (Date.now() - silentSince > CLOSE_UNREACHABLE_GRACE_MS) break;
      }
      if (!clients.ready) {
        await dropAll();
        return;
      }
      await pool.close();
      await clients.within(clients.quit(), CLOSE_UNREACHABLE_GRACE_MS, `Worker ${id}`).catch(() => undefined);
      await clients.disconnect();
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
