import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DuplicateDependencyError, InvalidOptionError, SelfDependencyError } from '../errors/errors.js';
import { checkField, checkOptions, type FieldSpec, plainObject, spec } from '../options/validation.js';
import type { BackoffOptions, ErrorClass, RetryOn } from '../run/retry.js';
import { WorkerTaskRef } from './worker-task.js';

/** A task body that runs on the main thread. It may be async. */
// biome-ignore lint/suspicious/noExplicitAny: task functions take whatever their arguments are.
export type TaskFunction = (...args: any[]) => unknown;

const NAME_PATTERN = /^\S+$/;
const NAME_EXPECTED = 'a non-empty string without whitespace';

/** Lower-cases a task name after checking it; names are case-insensitive everywhere. */
export function normaliseTaskName(where: string, field: string, name: unknown, taskName?: string): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new InvalidOptionError(where, field, NAME_EXPECTED, name, taskName);
  }
  return name.toLowerCase();
}

/** Options of a {@link TaskDependency}. */
export interface TaskDependencyOptions {
  /** Append the dependency's result to the task's positional arguments. @default false */
  useResultAsAdditionalArgs?: boolean;
  /** Put the dependency's result into the task's options object under `additionalKwargName`. @default false */
  useResultAsAdditionalKwargs?: boolean;
  /** The options-object key for the injected result; required with `useResultAsAdditionalKwargs`. */
  additionalKwargName?: string;
}

const DEPENDENCY_SPECS: Record<keyof TaskDependencyOptions, FieldSpec> = {
  useResultAsAdditionalArgs: spec(z.boolean(), 'a boolean'),
  useResultAsAdditionalKwargs: spec(z.boolean(), 'a boolean'),
  additionalKwargName: spec(z.string().min(1), 'a non-empty string'),
};

/**
 * "This task needs that one first", and optionally "pass me its result".
 * A dependency without injection flags only orders execution.
 */
export class TaskDependency {
  /** The task depended on, lower-cased. */
  readonly taskName: string;
  readonly useResultAsAdditionalArgs: boolean;
  readonly useResultAsAdditionalKwargs: boolean;
  /** Empty unless `useResultAsAdditionalKwargs` is set. */
  readonly additionalKwargName: string;

  constructor(taskName: string, options?: TaskDependencyOptions) {
    const where = typeof taskName === 'string' ? `TaskDependency "${taskName}"` : 'TaskDependency';
    this.taskName = normaliseTaskName(where, 'taskName', taskName);
    const checked = checkOptions(where, options, DEPENDENCY_SPECS) as TaskDependencyOptions;
    this.useResultAsAdditionalArgs = checked.useResultAsAdditionalArgs ?? false;
    this.useResultAsAdditionalKwargs = checked.useResultAsAdditionalKwargs ?? false;
    this.additionalKwargName = checked.additionalKwargName ?? '';
    if (this.useResultAsAdditionalKwargs && this.additionalKwargName === '') {
      throw new InvalidOptionError(
        where,
        'additionalKwargName',
        'a non-empty string when `useResultAsAdditionalKwargs` is true',
        checked.additionalKwargName,
      );
    }
    if (!this.useResultAsAdditionalKwargs && this.additionalKwargName !== '') {
      throw new InvalidOptionError(
        where,
        'useResultAsAdditionalKwargs',
        '`true` when `additionalKwargName` is given (the name is only used to inject the result)',
        checked.useResultAsAdditionalKwargs,
      );
    }
    Object.freeze(this);
  }
}

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
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

const RETRY_MATCHER_SPEC: FieldSpec = spec(
  z.union([z.string().min(1), z.custom<ErrorClass>((value) => isErrorClass(value) && value.name !== '')]),
  'a named Error class or a non-empty error code string',
);

const RETRY_ON_EXPECTED = 'an array of named Error classes or error code strings, or a predicate function';

const TASK_SPECS: Record<keyof TaskOptions, FieldSpec> = {
  logPath: spec(
    z.union([z.string().min(1), z.custom<URL>((v) => v instanceof URL && v.protocol === 'file:'), z.null()]),
    'a non-empty path, a file: URL or null',
  ),
  args: spec(z.array(z.unknown()), 'an array'),
  kwargs: spec(plainObject, 'a plain object'),
  dependencies: spec(z.array(z.unknown()), 'an array of TaskDependency objects or task names'),
  tracedVarsFrameFilter: spec(z.string().nullable(), 'a string or null'),
  captureTracedVars: spec(z.boolean(), 'a boolean'),
  timeoutMs: spec(z.number().positive().nullable(), 'a finite number > 0 or null'),
  retries: spec(z.number().int().nonnegative(), 'an integer >= 0'),
  // The shape only; `checkRetryOn` then names the offending element or says why a class was refused.
  retryOn: spec(
    z.union([z.array(z.unknown()), z.custom<(error: unknown) => boolean>((v) => typeof v === 'function')]),
    RETRY_ON_EXPECTED,
  ),
  retryDelayMs: spec(z.union([z.number().nonnegative(), plainObject]), 'a number >= 0 or a backoff object'),
  transferResult: spec(z.boolean(), 'a boolean'),
};

const BACKOFF_SPECS: Record<keyof BackoffOptions, FieldSpec> = {
  initialMs: spec(z.number().nonnegative(), 'a finite number >= 0'),
  factor: spec(z.number().min(1), 'a finite number >= 1'),
  maxMs: spec(z.number().nonnegative(), 'a finite number >= 0'),
  jitter: spec(z.number().min(0).max(1), 'a number from 0 to 1'),
};

/** What a task runs: a function on the main thread, or a {@link workerTask} on a worker thread. */
export type TaskTarget = TaskFunction | WorkerTaskRef;

/**
 * One unit of work: a function, its arguments, and the tasks it depends on.
 * Everything is validated here, before anything runs; a Task is immutable.
 */
export class Task {
  /** Unique within a process, lower-cased. */
  readonly name: string;
  readonly fn: TaskTarget;
  /** The function's name as reports show it (`<anonymous>` for unnamed functions). */
  readonly functionName: string;
  readonly logPath: string | null;
  readonly args: readonly unknown[];
  /** The task's own kwargs (`{}` when none were given); injected results are not included. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly dependencies: readonly TaskDependency[];
  readonly tracedVarsFrameFilter: string | null;
  /** Whether a failure records its traced variables (resolved from the option and where the task runs). */
  readonly captureTracedVars: boolean;
  readonly timeoutMs: number | null;
  readonly retries: number;
  readonly retryOn: RetryOn | undefined;
  readonly retryDelayMs: number | BackoffOptions;
  readonly transferResult: boolean;
  /** @internal Whether the function receives an options object as its last argument. */
  readonly passesKwargs: boolean;

  constructor(name: string, fn: TaskTarget, options?: TaskOptions) {
    const where = typeof name === 'string' ? `Task "${name}"` : 'Task';
    this.name = normaliseTaskName(where, 'name', name);
    const task = this.name;
    if (typeof fn !== 'function' && !(fn instanceof WorkerTaskRef)) {
      throw new InvalidOptionError(where, 'fn', 'a function or a workerTask(moduleUrl, exportName)', fn, task);
    }
    this.fn = fn;
    this.functionName = fn instanceof WorkerTaskRef ? fn.displayName : fn.name || '<anonymous>';
    const o = checkOptions(where, options, TASK_SPECS, task) as TaskOptions;
    const logPath = o.logPath ?? null;
    this.logPath = logPath instanceof URL ? fileURLToPath(logPath) : logPath;
    this.args = Object.freeze([...(o.args ?? [])]);
    this.kwargs = Object.freeze({ ...(o.kwargs ?? {}) });
    this.dependencies = Object.freeze(checkDependencies(where, task, o.dependencies ?? []));
    this.tracedVarsFrameFilter = o.tracedVarsFrameFilter ?? null;
    this.captureTracedVars = o.captureTracedVars ?? fn instanceof WorkerTaskRef;
    checkTimerLimit(where, task, 'timeoutMs', o.timeoutMs);
    this.timeoutMs = o.timeoutMs ?? null;
    this.retries = o.retries ?? 0;
    this.retryOn = checkRetryOn(where, task, o.retryOn);
    this.retryDelayMs = checkRetryDelay(where, task, o.retryDelayMs ?? 0);
    this.transferResult = o.transferResult ?? false;
    this.passesKwargs = o.kwargs !== undefined || this.dependencies.some((d) => d.useResultAsAdditionalKwargs);
    Object.freeze(this);
  }

  /**
   * @internal A copy of this task with one more dependency, for
   * `Process.addTaskDependency`: the original, which other processes may
   * share, is left as it was.
   */
  withDependency(dependency: TaskDependency): Task {
    const where = `Task "${this.name}"`;
    checkDependencies(where, this.name, [...this.dependencies, dependency]);
    const copy = Object.create(Task.prototype) as Task;
    Object.assign(copy, this, {
      dependencies: Object.freeze([...this.dependencies, dependency]),
      passesKwargs: this.passesKwargs || dependency.useResultAsAdditionalKwargs,
    });
    return Object.freeze(copy);
  }
}

function checkDependencies(where: string, task: string, given: readonly unknown[]): TaskDependency[] {
  const seen = new Set<string>();
  return given.map((item, i) => {
    // A name given as shorthand is checked here, so a bad one is reported against this task and index.
    const dependency =
      typeof item === 'string'
        ? new TaskDependency(normaliseTaskName(where, `dependencies[${i}]`, item, task))
        : item instanceof TaskDependency
          ? item
          : undefined;
    if (!dependency) {
      throw new InvalidOptionError(where, `dependencies[${i}]`, 'a TaskDependency or a task name', item, task);
    }
    if (seen.has(dependency.taskName)) throw new DuplicateDependencyError(task, dependency.taskName);
    if (dependency.taskName === task) throw new SelfDependencyError(task);
    seen.add(dependency.taskName);
    return dependency;
  });
}

function checkRetryOn(where: string, task: string, value: RetryOn | undefined): RetryOn | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    if (isErrorClass(value)) {
      const fix = `Put Error classes in an array: \`retryOn: [${value.name || 'MyError'}]\`.`;
      throw new InvalidOptionError(where, 'retryOn', RETRY_ON_EXPECTED, value, task, fix);
    }
    return value;
  }
  value.forEach((matcher, i) => {
    if (isErrorClass(matcher) && matcher.name === '') {
      const why =
        'Classes are matched by name, and this class has none: declare it as `class MyError extends Error {}`.';
      throw new InvalidOptionError(where, `retryOn[${i}]`, RETRY_MATCHER_SPEC.expected, matcher, task, why);
    }
    checkField(where, `retryOn[${i}]`, RETRY_MATCHER_SPEC, matcher, task);
  });
  return Object.freeze([...value]);
}

function checkRetryDelay(where: string, task: string, value: number | BackoffOptions): number | BackoffOptions {
  if (typeof value === 'number') {
    checkTimerLimit(where, task, 'retryDelayMs', value);
    return value;
  }
  const backoff = checkOptions(where, value, BACKOFF_SPECS, task, 'retryDelayMs') as Partial<BackoffOptions>;
  // Delays are capped at maxMs (30 s by default), so maxMs is the only bound to check.
  checkTimerLimit(where, task, 'retryDelayMs.maxMs', backoff.maxMs);
  if (backoff.initialMs === undefined) {
    checkField(where, 'retryDelayMs.initialMs', BACKOFF_SPECS.initialMs, undefined, task);
  }
  return Object.freeze({ ...backoff }) as BackoffOptions;
}

/** The longest a Node.js timer can wait: a longer one fires after 1 ms instead (with a TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2_147_483_647;

function checkTimerLimit(where: string, task: string, field: string, value: number | null | undefined): void {
  if (typeof value === 'number' && value > MAX_TIMER_MS) {
    throw new InvalidOptionError(
      where,
      field,
      `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node.js timer can wait)`,
      value,
      task,
    );
  }
}
