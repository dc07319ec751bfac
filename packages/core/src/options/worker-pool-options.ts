import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { InvalidOptionError } from '../errors/errors.js';
import { timerMs } from './backoff.js';
import { described, type Parsed, rule, type ShapeOf } from './field.js';
import { MAX_POOL_THREADS, RESOURCE_LIMIT_RANGES } from './limits.js';
import { parseOptions, plainObject } from './parse.js';

/** V8 limits per worker thread, in MB (Node's `ResourceLimits`, bounded to values a thread survives). */
export interface WorkerResourceLimits {
  /** The main heap. From 16 (below it a thread dies while it starts). */
  maxOldGenerationSizeMb?: number | undefined;
  /** The heap for new objects. From 1. */
  maxYoungGenerationSizeMb?: number | undefined;
  /** Memory reserved for compiled code. From 1 to 4096. */
  codeRangeSizeMb?: number | undefined;
  /** The thread's stack. From 0.5 to 1024 (Node's default is 4). */
  stackSizeMb?: number | undefined;
}

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Most threads, and so most worker tasks running at once (at most 256, or 4 per core beyond 64 cores). @default os.availableParallelism() */
  maxThreads?: number;
  /** Threads kept alive while idle; at most `maxThreads`. @default 1 */
  minThreads?: number;
  /** How long an idle thread above `minThreads` lives. @default 30000 */
  idleTimeoutMs?: number;
  /** V8 heap limits per thread; a task that exceeds them fails with `WorkerOutOfMemoryError`. @default none */
  resourceLimits?: WorkerResourceLimits;
  /**
   * Node flags for the threads, e.g. `['--import', 'tsx']` to run TypeScript
   * task modules. Checked when the pool is made (by starting and stopping one
   * thread), since Node accepts only some flags in workers. @default the process's
   */
  execArgv?: string[];
  /** Environment of the threads. @default a copy of process.env */
  env?: Record<string, string>;
  /**
   * After a worker task's timeout aborts its signal, how long it may take to
   * stop on its own before its thread is terminated. @default 50
   */
  timeoutGraceMs?: number;
  /**
   * Let failing tasks report the local variables at the throw site (an
   * inspector session per thread). Turn off to drop its cost: exceptions a
   * task throws and catches itself are slower with a debugger attached
   * (see docs/benchmarks.md). @default true
   */
  tracedVars?: boolean;
}

/** The defaults of {@link WorkerPoolOptions} (`maxThreads` is read when a pool is made). */
export const WORKER_POOL_DEFAULTS: {
  readonly minThreads: number;
  readonly idleTimeoutMs: number;
  readonly timeoutGraceMs: number;
  readonly tracedVars: boolean;
} = Object.freeze({ minThreads: 1, idleTimeoutMs: 30_000, timeoutGraceMs: 50, tracedVars: true });

const megabytes = (field: keyof WorkerResourceLimits): z.ZodType<number> => {
  const [min, max] = RESOURCE_LIMIT_RANGES[field];
  return described(z.number().min(min).max(max), `a number of MB from ${min} to ${max}`);
};

const threads = (min: number, expected: string): z.ZodType<number> =>
  described(
    z
      .number()
      .int()
      .min(min)
      .refine((n) => n <= MAX_POOL_THREADS, { params: rule(`an integer from ${min} to ${MAX_POOL_THREADS}`) }),
    expected,
  );

export const workerPoolOptionsSchema: z.ZodType<Parsed<WorkerPoolOptions>> = z.strictObject({
  maxThreads: threads(1, 'an integer >= 1').optional(),
  minThreads: threads(0, 'an integer >= 0').optional(),
  idleTimeoutMs: described(timerMs(z.number().min(0)), 'a finite number >= 0').optional(),
  resourceLimits: described(
    z.strictObject({
      maxOldGenerationSizeMb: megabytes('maxOldGenerationSizeMb').optional(),
      maxYoungGenerationSizeMb: megabytes('maxYoungGenerationSizeMb').optional(),
      codeRangeSizeMb: megabytes('codeRangeSizeMb').optional(),
      stackSizeMb: megabytes('stackSizeMb').optional(),
    } satisfies ShapeOf<WorkerResourceLimits>),
    'an object with maxOldGenerationSizeMb, maxYoungGenerationSizeMb, codeRangeSizeMb or stackSizeMb (numbers > 0)',
  ).optional(),
  execArgv: described(z.array(z.string()), 'an array of strings').optional(),
  env: described(z.record(z.string(), z.string()).and(plainObject), 'a plain object of strings').optional(),
  timeoutGraceMs: described(timerMs(z.number().min(0)), 'a finite number >= 0').optional(),
  tracedVars: described(z.boolean(), 'a boolean').optional(),
} satisfies ShapeOf<WorkerPoolOptions>);

/** Pool options after checks, with every default applied. */
export interface ResolvedWorkerPoolOptions {
  readonly maxThreads: number;
  readonly minThreads: number;
  readonly idleTimeoutMs: number;
  readonly resourceLimits: WorkerResourceLimits | undefined;
  readonly execArgv: string[] | undefined;
  readonly env: Record<string, string> | undefined;
  readonly timeoutGraceMs: number;
  readonly tracedVars: boolean;
}

const WHERE = 'WorkerPool';

/**
 * Checks `WorkerPool` options, including what one field cannot say alone
 * (`minThreads <= maxThreads`) and what only Node can say (which `execArgv`
 * flags a worker accepts), and applies the defaults.
 */
export function resolveWorkerPoolOptions(options: unknown): ResolvedWorkerPoolOptions {
  const o = parseOptions({ where: WHERE }, workerPoolOptionsSchema, options);
  const d = WORKER_POOL_DEFAULTS;
  const maxThreads = o.maxThreads ?? Math.min(availableParallelism(), MAX_POOL_THREADS);
  const minThreads = o.minThreads ?? Math.min(d.minThreads, maxThreads);
  if (minThreads > maxThreads) {
    throw new InvalidOptionError(WHERE, 'minThreads', `an integer from 0 to maxThreads (${maxThreads})`, minThreads);
  }
  const timeoutGraceMs = o.timeoutGraceMs ?? d.timeoutGraceMs;
  if (o.execArgv && o.execArgv.length > 0) checkExecArgv(o.execArgv);
  return {
    maxThreads,
    minThreads,
    idleTimeoutMs: o.idleTimeoutMs ?? d.idleTimeoutMs,
    resourceLimits: o.resourceLimits ? definedOnly(o.resourceLimits) : undefined,
    execArgv: o.execArgv,
    env: o.env,
    timeoutGraceMs,
    tracedVars: o.tracedVars ?? d.tracedVars,
  };
}

/**
 * Node decides which flags a worker accepts (per-process flags such as
 * `--title` or V8 flags such as `--expose-gc` are refused) and says so only
 * when a thread is made: with `minThreads: 0` that is in the middle of a run.
 * So one thread is made and stopped at once here; its output is not shown.
 */
function checkExecArgv(execArgv: string[]): void {
  let probe: Worker;
  try {
    probe = new Worker('', { eval: true, execArgv, stdout: true, stderr: true });
  } catch (error) {
    const detail = (error as { message?: unknown })?.message;
    throw new InvalidOptionError(
      WHERE,
      'execArgv',
      'Node.js flags that worker threads accept',
      execArgv,
      undefined,
      typeof detail === 'string' ? `Node.js says: ${detail}` : undefined,
    );
  }
  probe.unref();
  probe.terminate().catch(() => {
    // The probe's only job was its constructor; how it ends does not matter.
  });
}

/** The limits that were given: Node reads a key holding `undefined` as a value. */
function definedOnly(limits: WorkerResourceLimits): WorkerResourceLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
