import { z } from 'zod';
import type { Executor } from '../executors/types.js';
import { WorkerPool } from '../executors/worker/worker-pool.js';
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
}

/** Where critical-path weights come from: a report of an earlier run, or milliseconds by task name. */
export type DurationsSource =
  | { readonly entries: ReadonlyMap<string, { readonly elapsedMs: number }> }
  | Readonly<Record<string, number>>;

/** The Python library's threshold for choosing parallel mode when `parallel` is not given. */
export const AUTO_PARALLEL_MIN_TASKS: number = 10;

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
} satisfies ShapeOf<RunOptions>);

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
