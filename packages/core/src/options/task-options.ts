import { z } from 'zod';
import type { TaskDependency } from '../definition/task-dependency.js';
import type { ErrorClass, RetryOn } from '../run/retry.js';
import { type BackoffOptions, retryDelayMsSchema, timerMs } from './backoff.js';
import { aBoolean, described, type Parsed, type ShapeOf } from './field.js';
import { plainObject } from './parse.js';

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
  cache: aBoolean().optional(),
  cacheKey: described(
    z.custom<(context: CacheKeyContext) => unknown>((value) => typeof value === 'function'),
    'a function',
  ).optional(),
  cacheEnv: described(z.array(z.string().min(1)).readonly(), 'an array of environment variable names').optional(),
} satisfies ShapeOf<TaskOptions>);
