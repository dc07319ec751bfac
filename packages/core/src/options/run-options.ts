import { z } from 'zod';
import type { Executor } from '../executors/types.js';
import { WorkerPool } from '../executors/worker/worker-pool.js';
import type { CacheStore } from '../incremental/cache/store.js';
import type { ExecutionReport } from '../report/types.js';
import type { RunEvent } from '../run/events.js';
import { described, type Parsed, rule, type ShapeOf } from './field.js';

/** Options of {@link Process.run}. */
export interface RunOptions {
  /**
   * Run independent tasks at the same time. When not given, a process with
   * 10 or more tasks runs in parallel and a smaller one sequentially (the
   * Python library's rule).
   */
  parallel?: boolean;
  /**
   * Most tasks running at once, an integer >= 1; 1 means sequential. A run
   * that makes its own worker pool starts at most this many threads (and no
   * more than a pool may have). @default os.availableParallelism()
   */
  maxWorkers?: number;
  /** Aborting it cancels the run: `run()` rejects with `RunAbortedError` holding the partial report. */
  signal?: AbortSignal;
  /**
   * The worker pool for worker tasks: share one long-lived pool across runs.
   * Without it, a run with worker tasks makes a pool of `maxWorkers` threads
   * (1 when sequential) and destroys it when the run ends. Not together
   * with `executors` (list the pool there instead).
   */
  pool?: WorkerPool;
  /**
   * Where tasks run: for each task, the first executor whose `accepts(task)`
   * is true runs every attempt of it. Main-thread tasks that none of them
   * accepts run on the main thread, as without `executors`; any other task
   * none accepts is a `NoExecutorError` before anything runs. `run()` never
   * closes executors it is given. @default the main-thread executor, then the run's worker pool
   */
  executors?: readonly Executor[];
  /** Called synchronously with each progress event of this run. */
  onEvent?: (event: RunEvent) => void;
  /**
   * How long each task took before, for critical-path-first ordering: a
   * saved report (`ProcessExecutionReport.fromJSON(json)`; its entries'
   * `elapsedMs`) or durations by task name in ms. When more tasks are ready
   * than can run, the one with the longest remaining path to the end of the
   * graph starts first, weighted by these (tasks not listed count as the
   * median of those listed); without them every task weighs 1. @default none
   */
  durations?: DurationsSource;
  /**
   * Resume an earlier run: a report (or the path of its JSON, a checkpoint
   * among them). Tasks that succeeded in it and did not change are not run
   * again: their results are reused. The rest run, and so does everything
   * downstream of them (docs/incremental.md).
   */
  resumeFrom?: ExecutionReport | string | URL;
  /**
   * Reuse results of tasks that opt in (`cache: true`) across runs, by
   * content key: a directory (`{ dir }`) or your own store (`{ store }`).
   */
  cache?: RunCacheOptions;
  /**
   * Write the report JSON to this path as the run goes (atomically, after
   * each task settles), so a killed run can be resumed from it.
   */
  checkpoint?: string | URL;
}

/** Where critical-path weights come from: a report of an earlier run, or milliseconds by task name. */
export type DurationsSource =
  | { readonly entries: ReadonlyMap<string, { readonly elapsedMs: number }> }
  | Readonly<Record<string, number>>;

/** `run({ cache })`: where results are kept, and for how long. */
export interface RunCacheOptions {
  /** A directory for a {@link FileCacheStore} (created when missing). Give `dir` or `store`. */
  dir?: string | URL;
  /** Any {@link CacheStore} (`RedisCacheStore` from `processes-cache-redis` shares one across machines). */
  store?: CacheStore;
  /** Entries older than this are misses (and deleted). @default null (no expiry) */
  maxAgeMs?: number | null;
  /** With `dir`: most bytes the directory's entries may take; least recently used go first. @default null (no limit) */
  maxBytes?: number | null;
}

export const RUN_CACHE_DEFAULTS: Readonly<Required<Pick<RunCacheOptions, 'maxAgeMs' | 'maxBytes'>>> = Object.freeze({
  maxAgeMs: null,
  maxBytes: null,
});

/** The Python library's threshold for choosing parallel mode when `parallel` is not given. */
export const AUTO_PARALLEL_MIN_TASKS: number = 10;

// Shared with explainRun(), which takes the same two options.
export const resumeFromSchema: z.ZodType<ExecutionReport | string | URL> = described(
  z.union([z.string().min(1), z.instanceof(URL), z.custom<ExecutionReport>(isReport)]),
  'a report (ProcessExecutionReport) or the path of its JSON file',
);

export const runCacheSchema: z.ZodType<RunCacheOptions> = described(
  z
    .strictObject({
      dir: described(z.union([z.string().min(1), z.instanceof(URL)]), 'a directory path').optional(),
      store: described(z.custom<CacheStore>(isCacheStore), 'a CacheStore (get, set, delete, clear)').optional(),
      maxAgeMs: described(z.number().positive().nullable(), 'a number > 0 or null').optional(),
      maxBytes: described(z.number().int().positive().nullable(), 'an integer > 0 or null').optional(),
    } satisfies ShapeOf<RunCacheOptions>)
    .refine((c) => (c.dir === undefined) !== (c.store === undefined), {
      params: rule('an object with exactly one of `dir` and `store`'),
    }) as z.ZodType<RunCacheOptions>,
  'an object with `dir` or `store`',
);

export const runOptionsSchema: z.ZodType<Parsed<RunOptions>> = z.strictObject({
  parallel: described(z.boolean(), 'a boolean').optional(),
  // 0 and negatives were once clamped to 1; now they are the mistake they look like.
  maxWorkers: described(
    z
      .number()
      .int()
      .refine((n) => n >= 1, { params: rule('an integer >= 1 (1 runs one task at a time)') }),
    'an integer',
  ).optional(),
  signal: described(
    z.custom<AbortSignal>((value) => value instanceof AbortSignal),
    'an AbortSignal',
  ).optional(),
  pool: described(
    z.custom<WorkerPool>((value) => value instanceof WorkerPool),
    'a WorkerPool',
  ).optional(),
  onEvent: described(
    z.custom<(event: RunEvent) => void>((value) => typeof value === 'function'),
    'a function',
  ).optional(),
  durations: described(
    z.union([
      z.custom<DurationsSource>((value) => (value as { entries?: unknown } | null)?.entries instanceof Map),
      z.record(z.string(), z.number().nonnegative().finite()),
    ]),
    'a report (with `entries`) or an object of task names to durations in ms (finite numbers >= 0)',
  ).optional() as z.ZodType<DurationsSource | undefined>,
  executors: described(
    z.array(z.custom<Executor>(isExecutor)).readonly(),
    'an array of executors (objects with a string `name` and `accepts` and `execute` methods)',
  ).optional(),
  resumeFrom: resumeFromSchema.optional(),
  cache: runCacheSchema.optional(),
  checkpoint: described(z.union([z.string().min(1), z.instanceof(URL)]), 'a file path').optional(),
} satisfies ShapeOf<RunOptions>);

function isReport(value: unknown): boolean {
  const candidate = value as { entries?: unknown; toJSON?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.entries instanceof Map;
}

function isCacheStore(value: unknown): boolean {
  const candidate = value as Partial<Record<'get' | 'set' | 'delete' | 'clear', unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    ['get', 'set', 'delete', 'clear'].every((m) => typeof candidate[m as 'get'] === 'function')
  );
}

function isExecutor(value: unknown): boolean {
  const candidate = value as Partial<Record<keyof Executor, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.accepts === 'function' &&
    typeof candidate.execute === 'function' &&
    (candidate.close === undefined || typeof candidate.close === 'function')
  );
}
