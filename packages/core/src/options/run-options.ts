import { z } from 'zod';
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
   * (1 when sequential) and destroys it when the run ends.
   */
  pool?: WorkerPool;
  /** Called synchronously with each progress event of this run. */
  onEvent?: (event: RunEvent) => void;
}

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
} satisfies ShapeOf<RunOptions>);
