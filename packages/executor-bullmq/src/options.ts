import type { WorkerPoolOptions } from 'processes-core';
import { described, MAX_TIMER_MS, type Parsed, parseOptions, type ShapeOf } from 'processes-core/internal';
import { z } from 'zod';
import type { BlobStore } from './blob-store.js';
import { type RedisConnection, redisUrlProblem } from './connection.js';

/** Options shared by the coordinator's executor and the workers: where jobs and values go. */
interface TransportOptions {
  /** Redis: a `redis://` URL or ioredis options. */
  connection: RedisConnection;
  /** The BullMQ queue's name; coordinator and workers must agree. @default 'processes' */
  queue?: string;
  /** BullMQ's key prefix. @default 'bull' */
  prefix?: string;
  /** Arguments and results up to this many bytes (v8-serialised) go inside the job; larger ones through the blob store. @default 524288 */
  inlineCapBytes?: number;
  /** How long a blob is kept at most (it is deleted as soon as it is read). @default 86400000 */
  blobTtlMs?: number;
  /** Where values over `inlineCapBytes` go. @default Redis keys with a TTL, on `connection` */
  blobStore?: BlobStore | null;
}

/** Options of {@link BullMQExecutor}. */
export interface BullMQExecutorOptions extends TransportOptions {
  /**
   * The directory task modules are named relative to; each worker's `--root`
   * must hold the same files at the same relative paths. @default process.cwd()
   */
  root?: string;
  /**
   * An attempt whose job has had no worker connected to its queue for this
   * long, or whose Redis has been unreachable this long, ends with a typed
   * error instead of waiting forever. @default 30000
   */
  noWorkerTimeoutMs?: number;
  /** How often in-flight jobs are checked by their state (queue events are only a hint). @default 1000 */
  reconcileIntervalMs?: number;
}

/** Options of {@link startWorker}. */
export interface WorkerOptions extends TransportOptions {
  /** Jobs run at once, one worker thread each. @default os.availableParallelism() */
  threads?: number;
  /** The directory task modules are resolved against. @default process.cwd() */
  root?: string;
  /** BullMQ's lock duration: a job whose lock is not renewed for this long counts as its worker lost. @default 30000 */
  lockDurationMs?: number;
  /** How often this worker checks for stalled jobs (of any worker). @default 30000 */
  stalledIntervalMs?: number;
  /**
   * How long start-up waits for Redis before it fails with a
   * `RedisConnectionError` (a wrong password fails at once). @default 10000
   */
  connectTimeoutMs?: number;
  /** Options of the local `WorkerPool` (`maxThreads` is `threads`). @default {} */
  pool?: Omit<WorkerPoolOptions, 'maxThreads'>;
}

/** The defaults the coordinator and the workers share (queue, prefix, inline cap, blob TTL). */
export interface TransportDefaults {
  readonly queue: string;
  readonly prefix: string;
  readonly inlineCapBytes: number;
  readonly blobTtlMs: number;
}

/** The defaults of the options coordinator and workers share. */
export const TRANSPORT_DEFAULTS: TransportDefaults = Object.freeze({
  queue: 'processes',
  prefix: 'bull',
  inlineCapBytes: 512 * 1024,
  blobTtlMs: 24 * 60 * 60 * 1000,
});

/** The defaults of {@link BullMQExecutorOptions}. */
export const EXECUTOR_DEFAULTS: TransportDefaults & {
  readonly noWorkerTimeoutMs: number;
  readonly reconcileIntervalMs: number;
} = Object.freeze({ ...TRANSPORT_DEFAULTS, noWorkerTimeoutMs: 30_000, reconcileIntervalMs: 1000 });

/** The defaults of {@link WorkerOptions} (`threads` and `root` default to the machine and the working directory). */
export const WORKER_DEFAULTS: TransportDefaults & {
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly connectTimeoutMs: number;
} = Object.freeze({
  ...TRANSPORT_DEFAULTS,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  connectTimeoutMs: 10_000,
});

const name = described(
  z
    .string()
    .min(1)
    .regex(/^[^:\s]+$/),
  'a non-empty string without `:` or whitespace',
);
const connection = described(
  z.union([
    z.string().refine((text) => redisUrlProblem(text) === undefined),
    z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
  ]),
  'a redis:// or rediss:// URL (host, optional port 1–65535, optional database number) or an ioredis options object',
);
const ms = (min: number) =>
  described(z.number().int().min(min).max(MAX_TIMER_MS), `an integer from ${min} to ${MAX_TIMER_MS}`);
const blobStore = described(
  z.custom<BlobStore | null>(
    (v) =>
      v === null ||
      (typeof v === 'object' &&
        typeof (v as BlobStore).put === 'function' &&
        typeof (v as BlobStore).get === 'function' &&
        typeof (v as BlobStore).delete === 'function'),
  ),
  'an object with put, get and delete methods, or null',
);
const transport = {
  connection,
  queue: name.optional(),
  prefix: name.optional(),
  inlineCapBytes: described(
    z
      .number()
      .int()
      .min(0)
      .max(512 * 1024 * 1024),
    'an integer from 0 to 536870912',
  ).optional(),
  blobTtlMs: ms(1000).optional(),
  blobStore: blobStore.optional(),
};
const root = described(z.string().min(1), 'a directory path').optional();

const executorSchema: z.ZodType<Parsed<BullMQExecutorOptions>> = z.strictObject({
  ...transport,
  root,
  noWorkerTimeoutMs: ms(1).optional(),
  reconcileIntervalMs: ms(10).optional(),
} satisfies ShapeOf<BullMQExecutorOptions>);

const workerSchema: z.ZodType<Parsed<WorkerOptions>> = z.strictObject({
  ...transport,
  root,
  threads: described(z.number().int().min(1).max(1024), 'an integer from 1 to 1024').optional(),
  lockDurationMs: ms(100).optional(),
  stalledIntervalMs: ms(100).optional(),
  connectTimeoutMs: ms(1).optional(),
  pool: described(
    z.custom<object>((v) => typeof v === 'object' && v !== null),
    'WorkerPool options',
  ).optional(),
} satisfies ShapeOf<WorkerOptions>);

export function parseExecutorOptions(input: unknown): Parsed<BullMQExecutorOptions> {
  return parseOptions({ where: 'BullMQExecutor', required: true }, executorSchema, input);
}

export function parseWorkerOptions(input: unknown): Parsed<WorkerOptions> {
  return parseOptions({ where: 'startWorker', required: true }, workerSchema, input);
}
