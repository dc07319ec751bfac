import { z } from 'zod';
import type { TaskDependency } from '../definition/task-dependency.js';
import type { ErrorClass, RetryOn } from '../run/retry.js';
import { type BackoffOptions, retryDelayMsSchema, timerMs } from './backoff.js';
import { aBoolean, described, type Parsed, rule, type ShapeOf } from './field.js';
import { RESOURCE_LIMIT_RANGES } from './limits.js';
import { plainObject } from './parse.js';
import { TRIGGER_RULES, type TriggerRule } from './trigger-rule.js';

/** Options of a {@link Task}. Durations are in milliseconds. */
export interface TaskOptions {
  /** A pino NDJSON log file for this task; tasks with the same path share one file. @default null */
  logPath?: string | URL | null;
  /** Positional arguments, before any injected results. @default [] */
  args?: readonly unknown[];
  /**
   * Named arguments, passed as one options object after the positional ones;
   * results injected as kwargs are merged in and win on a clash. When neither
   * `kwargs` nor a kwarg injection is given, no options object is passed.
   */
  kwargs?: Readonly<Record<string, unknown>>;
  /** Tasks that must succeed first: {@link TaskDependency} objects or plain task names. @default [] */
  dependencies?: ReadonlyArray<TaskDependency | string>;
  /** Capture traced variables from the innermost frame whose URL contains this. @default null */
  tracedVarsFrameFilter?: string | null;
  /**
   * Record the local variables where a failure was thrown. Worker tasks do by
   * default (unless their pool has `tracedVars: false`); main-thread tasks
   * opt in, since it pauses the main thread on every exception while they run.
   * @default true for worker tasks, false for main-thread tasks
   */
  captureTracedVars?: boolean;
  /** Time allowed per attempt. @default null (no limit) */
  timeoutMs?: number | null;
  /** Extra attempts after the first failure. @default 0 */
  retries?: number;
  /** Which failures are retried. @default TaskTimeoutError and network errors (see docs) */
  retryOn?: RetryOn;
  /** Wait between attempts: a fixed delay or exponential backoff. @default 0 */
  retryDelayMs?: number | BackoffOptions;
  /** Hand ArrayBuffers and typed arrays in the result back by transfer instead of copy. @default false */
  transferResult?: boolean;
  /**
   * Expand this task at run time into one attempt chain per item of this
   * dependency's result (an array): entries `name[0]`, `name[1]`, …; each
   * gets the item where that dependency's result would go. Dependants
   * receive the array of item results, in item order. @default none
   */
  map?: string;
  /** With `map`: at most this many items of this task run at once. @default no limit beyond the run's */
  maxParallel?: number;
  /**
   * With `map`: items per attempt. Above 1, each attempt receives an array of
   * up to this many items in place of one and must return an array of as
   * many results. @default 1
   */
  mapBatchSize?: number;
  /**
   * With `map`: when some items fail, the task still succeeds, passing on
   * the array of results with `undefined` at each failed index (named in the
   * entry's `map.failedIndices` and in the dependant's
   * `taskContext().upstream`). @default false
   */
  allowPartial?: boolean;
  /**
   * When the task runs, given how its dependencies ended (see docs/graph.md).
   * @default 'allSuccess'
   */
  runIf?: TriggerRule;
  /** The concurrency pool (declared in `new Process(tasks, { pools })`) this task takes slots of. @default none */
  pool?: string | null;
  /** How many of its pool's slots the task (each item, for a mapped task) holds while it runs. @default 1 */
  poolSlots?: number;
  /**
   * When more tasks are ready than can run, higher priorities start first;
   * among equal priorities, the task with the longest remaining path. @default 0
   */
  priority?: number;
  /**
   * Retry an attempt that ran out of memory on a worker thread
   * (`WorkerOutOfMemoryError`) on a fresh thread with a bigger heap: one
   * further attempt per size in `heapMb` (ascending, in MB), besides `retries`.
   * @default none
   */
  retryOnOom?: RetryOnOomOptions | null;
  /**
   * Reuse this task's result from `run({ cache })` when its key matches: its
   * code, its arguments (own args and kwargs and the results it receives),
   * `cacheKey` and `cacheEnv`. Opt in only for tasks whose side effects
   * need not happen again. @default false, or true when `cacheKey` or `cacheEnv` is given
   */
  cache?: boolean;
  /**
   * Something more the cache key must include (a version of a helper the
   * task calls, a date, the input file's mtime): called before each cached
   * run of the task; its value is hashed like an argument. Implies `cache: true`.
   */
  cacheKey?: (context: CacheKeyContext) => unknown;
  /** Environment variables whose values the cache key includes (unset ones too). Implies `cache: true`. @default [] */
  cacheEnv?: readonly string[];
}

export type { TriggerRule };

/** `retryOnOom`: the heap sizes of the further attempts after running out of memory. */
export interface RetryOnOomOptions {
  /** `resourceLimits.maxOldGenerationSizeMb` of each further attempt, ascending. */
  heapMb: readonly number[];
}

/** What a task's `cacheKey` function is given. */
export interface CacheKeyContext {
  readonly taskName: string;
  /** The call's final arguments: own args, injected results, then the options object when the task takes one. */
  readonly args: readonly unknown[];
}

/** The defaults of {@link TaskOptions} (`captureTracedVars` depends on where the task runs; `cacheKey` has none). */
export const TASK_DEFAULTS: Readonly<Required<Omit<TaskOptions, 'retryOn' | 'captureTracedVars' | 'cacheKey'>>> =
  Object.freeze({
    logPath: null,
    args: Object.freeze([]),
    kwargs: Object.freeze({}),
    dependencies: Object.freeze([]),
    tracedVarsFrameFilter: null,
    timeoutMs: null,
    retries: 0,
    retryDelayMs: 0,
    transferResult: false,
    map: '',
    maxParallel: Number.POSITIVE_INFINITY,
    mapBatchSize: 1,
    allowPartial: false,
    runIf: 'allSuccess',
    pool: null,
    poolSlots: 1,
    priority: 0,
    retryOnOom: null,
    cache: false,
    cacheEnv: Object.freeze([]),
  });

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

export const RETRY_ON_EXPECTED: string =
  'an array of named Error classes or error code strings, or a predicate function';

export const RETRY_MATCHER_EXPECTED: string = 'a named Error class or a non-empty error code string';

/** One element of a `retryOn` array. */
export const retryMatcherSchema: z.ZodType<ErrorClass | string> = described(
  z.union([z.string().min(1), z.custom<ErrorClass>((value) => isErrorClass(value) && value.name !== '')]),
  RETRY_MATCHER_EXPECTED,
);

const [HEAP_MIN, HEAP_MAX] = RESOURCE_LIMIT_RANGES.maxOldGenerationSizeMb;
const HEAP_EXPECTED = `an integer from ${HEAP_MIN} to ${HEAP_MAX}`;
const megabytes = z.number().int().min(HEAP_MIN).max(HEAP_MAX);

const fileUrl = z.custom<URL>((value) => value instanceof URL && value.protocol === 'file:');

// The shape only where a later check says more: `dependencies` and `retryOn`
// elements are checked by the Task, which names the element or says why.
export const taskOptionsSchema: z.ZodType<Parsed<TaskOptions>> = z.strictObject({
  logPath: described(
    z.union([z.string().min(1), fileUrl, z.null()]),
    'a non-empty path, a file: URL or null',
  ).optional(),
  args: described(z.array(z.unknown()), 'an array').optional(),
  kwargs: described(plainObject, 'a plain object').optional(),
  dependencies: described(
    z.array(z.custom<TaskDependency | string>(() => true)),
    'an array of TaskDependency objects or task names',
  ).optional(),
  tracedVarsFrameFilter: described(z.string().nullable(), 'a string or null').optional(),
  captureTracedVars: aBoolean().optional(),
  timeoutMs: described(timerMs(z.number().positive()).nullable(), 'a finite number > 0 or null').optional(),
  retries: described(z.number().int().nonnegative(), 'an integer >= 0').optional(),
  retryOn: described(
    z.union([z.array(z.unknown()), z.custom<(error: unknown) => boolean>((value) => typeof value === 'function')]),
    RETRY_ON_EXPECTED,
  ).optional() as z.ZodType<RetryOn | undefined>,
  retryDelayMs: retryDelayMsSchema.optional(),
  transferResult: aBoolean().optional(),
  map: described(z.string().min(1), 'the name of one of its dependencies').optional(),
  maxParallel: described(z.number().int().positive(), 'an integer >= 1').optional(),
  mapBatchSize: described(z.number().int().positive(), 'an integer >= 1').optional(),
  allowPartial: aBoolean().optional(),
  runIf: described(z.enum(TRIGGER_RULES), `one of ${TRIGGER_RULES.map((r) => `'${r}'`).join(', ')}`).optional(),
  pool: described(z.string().min(1).nullable(), 'a pool name (a non-empty string) or null').optional(),
  poolSlots: described(z.number().int().positive(), 'an integer >= 1').optional(),
  priority: described(z.number().finite(), 'a finite number').optional(),
  retryOnOom: described(
    z
      .strictObject({
        heapMb: described(
          z
            .array(megabytes)
            .min(1)
            .refine((list) => list.every((mb, i) => i === 0 || mb > (list[i - 1] as number)), {
              params: rule(`a non-empty ascending list of heap sizes in MB, each ${HEAP_EXPECTED}`),
            }),
          `a non-empty ascending list of heap sizes in MB, each ${HEAP_EXPECTED}`,
        ),
      })
      .nullable(),
    'an object `{ heapMb: number[] }` or null',
  ).optional(),
  cache: aBoolean().optional(),
  cacheKey: described(
    z.custom<(context: CacheKeyContext) => unknown>((value) => typeof value === 'function'),
    'a function',
  ).optional(),
  cacheEnv: described(z.array(z.string().min(1)).readonly(), 'an array of environment variable names').optional(),
} satisfies ShapeOf<TaskOptions>);
