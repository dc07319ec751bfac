import { fileURLToPath } from 'node:url';
import { DuplicateDependencyError, InvalidOptionError, SelfDependencyError } from '../errors/errors.js';
import type { BackoffOptions } from '../options/backoff.js';
import type { Parsed } from '../options/field.js';
import { checkValue, parseOptions } from '../options/parse.js';
import {
  type CacheKeyContext,
  isErrorClass,
  RETRY_MATCHER_EXPECTED,
  RETRY_ON_EXPECTED,
  retryMatcherSchema,
  TASK_DEFAULTS,
  type TaskOptions,
  type TriggerRule,
  taskOptionsSchema,
} from '../options/task-options.js';
import { quickTaskOptions, releaseQuickOptions } from '../options/task-options-check.js';
import type { RetryOn } from '../run/retry.js';
import { isTaskName, lowerCased, normaliseTaskName, plainDependency, TaskDependency } from './task-dependency.js';
import { WorkerTaskRef } from './worker-task.js';

export type { TaskDependencyOptions } from '../options/task-dependency-options.js';
export type { CacheKeyContext, RetryOnOomOptions, TaskOptions, TriggerRule } from '../options/task-options.js';
export { normaliseTaskName, TaskDependency };

/** A task body that runs on the main thread. It may be async. */
// biome-ignore lint/suspicious/noExplicitAny: task functions take whatever their arguments are.
export type TaskFunction = (...args: any[]) => unknown;

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
  /** Whether `run({ cache })` may reuse this task's result (see {@link TaskOptions.cache}). */
  readonly cache: boolean;
  readonly cacheKey: ((context: CacheKeyContext) => unknown) | undefined;
  readonly cacheEnv: readonly string[];
  /** @internal Whether the function receives an options object as its last argument. */
  readonly passesKwargs: boolean;
  /** The dependency this task is mapped over (lower-cased), or null for a static task. */
  readonly map: string | null;
  /** Items of a mapped task running at once, at most (`Infinity`: only the run's limit). */
  readonly maxParallel: number;
  /** Items per attempt of a mapped task. */
  readonly mapBatchSize: number;
  readonly allowPartial: boolean;
  readonly runIf: TriggerRule;
  /** The concurrency pool the task takes slots of, or null. */
  readonly pool: string | null;
  readonly poolSlots: number;
  readonly priority: number;
  /** Heap sizes (MB) of the further attempts after running out of memory; empty when not set. */
  readonly retryOnOomHeapMb: readonly number[];

  constructor(name: string, fn: TaskTarget, options?: TaskOptions) {
    // `Task "name"` in messages is spelled out only when a check fails (whereOf): most tasks never fail one.
    this.name =
      typeof name === 'string' && isTaskName(name) ? lowerCased(name) : normaliseTaskName(whereOf(name), 'name', name);
    const task = this.name;
    const onWorker = fn instanceof WorkerTaskRef;
    if (typeof fn !== 'function' && !onWorker) {
      throw new InvalidOptionError(whereOf(name), 'fn', 'a function or a workerTask(moduleUrl, exportName)', fn, task);
    }
    this.fn = fn;
    this.functionName = onWorker ? fn.displayName : fn.name || '<anonymous>';
    // The quick check covers the usual options; the schema has the last word (and the error).
    const quick = quickTaskOptions(options);
    const o = quick ?? parseOptions({ where: whereOf(name), taskName: task }, taskOptionsSchema, options);
    const d = TASK_DEFAULTS;
    const logPath = o.logPath ?? d.logPath;
    this.logPath = logPath instanceof URL ? fileURLToPath(logPath) : logPath;
    // The defaults are frozen already: no copy when the option is absent.
    this.args = o.args === undefined ? d.args : Object.freeze([...o.args]);
    this.kwargs = o.kwargs === undefined ? d.kwargs : Object.freeze({ ...o.kwargs });
    const dependencies = checkDependencies(name, task, o.dependencies ?? d.dependencies);
    this.map = checkMap(name, task, o, dependencies);
    // A mapped-over dependency that injects nowhere passes each item positionally, where its result would go.
    if (this.map !== null) {
      const at = dependencies.findIndex((dep) => dep.taskName === this.map && !injects(dep));
      if (at >= 0) dependencies[at] = new TaskDependency(this.map, { useResultAsAdditionalArgs: true });
    }
    this.dependencies = Object.freeze(dependencies);
    this.tracedVarsFrameFilter = o.tracedVarsFrameFilter ?? d.tracedVarsFrameFilter;
    this.captureTracedVars = o.captureTracedVars ?? onWorker;
    this.timeoutMs = o.timeoutMs ?? d.timeoutMs;
    this.retries = o.retries ?? d.retries;
    this.retryOn = checkRetryOn(name, task, o.retryOn);
    const delay = o.retryDelayMs ?? d.retryDelayMs;
    this.retryDelayMs = typeof delay === 'number' ? delay : Object.freeze({ ...delay });
    this.transferResult = o.transferResult ?? d.transferResult;
    this.cacheKey = o.cacheKey;
    this.cacheEnv = o.cacheEnv === undefined ? d.cacheEnv : Object.freeze([...o.cacheEnv]);
    this.cache = o.cache ?? (o.cacheKey !== undefined || o.cacheEnv !== undefined);
    this.passesKwargs = o.kwargs !== undefined || injectsKwargs(this.dependencies);
    this.maxParallel = o.maxParallel ?? d.maxParallel;
    this.mapBatchSize = o.mapBatchSize ?? d.mapBatchSize;
    this.allowPartial = o.allowPartial ?? d.allowPartial;
    this.runIf = o.runIf ?? d.runIf;
    this.pool = o.pool ?? d.pool;
    if (this.pool === null && o.poolSlots !== undefined) {
      throw new InvalidOptionError(whereOf(name), 'poolSlots', 'left out when no `pool` is given', o.poolSlots, task);
    }
    this.poolSlots = o.poolSlots ?? d.poolSlots;
    this.priority = o.priority ?? d.priority;
    const heapMb = o.retryOnOom?.heapMb;
    this.retryOnOomHeapMb = heapMb === undefined ? NO_HEAP_SIZES : Object.freeze([...heapMb]);
    if (this.retryOnOomHeapMb.length > 0 && !onWorker) {
      const why = 'Only a worker thread has a heap of its own to grow; make the task a `workerTask(...)`.';
      throw new InvalidOptionError(
        whereOf(name),
        'retryOnOom',
        'left out for a main-thread task',
        o.retryOnOom,
        task,
        why,
      );
    }
    if (quick) releaseQuickOptions(quick);
    Object.freeze(this);
  }

  /**
   * @internal A copy of this task with one more dependency, for
   * `Process.addTaskDependency`: the original, which other processes may
   * share, is left as it was.
   */
  withDependency(dependency: TaskDependency): Task {
    checkDependencies(this.name, this.name, [...this.dependencies, dependency]);
    const copy = Object.create(Task.prototype) as Task;
    Object.assign(copy, this, {
      dependencies: Object.freeze([...this.dependencies, dependency]),
      passesKwargs: this.passesKwargs || dependency.useResultAsAdditionalKwargs,
    });
    return Object.freeze(copy);
  }
}

/** Where a message about the task named `name` (as given) says the trouble is. */
function whereOf(name: unknown): string {
  return typeof name === 'string' ? `Task "${name}"` : 'Task';
}

function checkDependencies(name: string, task: string, given: readonly unknown[]): TaskDependency[] {
  if (given.length === 0) return [];
  const out: TaskDependency[] = new Array(given.length);
  for (let i = 0; i < given.length; i++) {
    const item = given[i];
    // A name given as shorthand is checked here, so a bad one is reported against this task and index
    // (the field's name is only spelled out for the error).
    const dependency =
      typeof item === 'string'
        ? plainDependency(
            isTaskName(item) ? lowerCased(item) : normaliseTaskName(whereOf(name), `dependencies[${i}]`, item, task),
          )
        : item instanceof TaskDependency
          ? item
          : undefined;
    if (!dependency) {
      throw new InvalidOptionError(whereOf(name), `dependencies[${i}]`, 'a TaskDependency or a task name', item, task);
    }
    const { taskName } = dependency;
    // Tasks have a few dependencies: a scan is cheaper than a Set.
    for (let j = 0; j < i; j++) {
      if ((out[j] as TaskDependency).taskName === taskName) throw new DuplicateDependencyError(task, taskName);
    }
    if (taskName === task) throw new SelfDependencyError(task);
    out[i] = dependency;
  }
  return out;
}

/** No bigger-heap attempts: shared by every task without `retryOnOom` (a Task holds it for as long as it lives). */
const NO_HEAP_SIZES: readonly number[] = Object.freeze([]);

function injectsKwargs(dependencies: readonly TaskDependency[]): boolean {
  for (const dependency of dependencies) if (dependency.useResultAsAdditionalKwargs) return true;
  return false;
}

function injects(dependency: TaskDependency): boolean {
  return dependency.useResultAsAdditionalArgs || dependency.useResultAsAdditionalKwargs;
}

const MAP_ONLY = ['maxParallel', 'mapBatchSize', 'allowPartial'] as const;

function checkMap(
  given: string,
  task: string,
  o: Parsed<Pick<TaskOptions, 'map' | (typeof MAP_ONLY)[number]>>,
  dependencies: readonly TaskDependency[],
): string | null {
  // Nearly every task: no map and none of its options (one test, not a loop, per task built).
  if (
    o.map === undefined &&
    o.maxParallel === undefined &&
    o.mapBatchSize === undefined &&
    o.allowPartial === undefined
  ) {
    return null;
  }
  if (o.map === undefined) {
    for (const field of MAP_ONLY) {
      if (o[field] !== undefined) {
        throw new InvalidOptionError(whereOf(given), field, 'left out when no `map` is given', o[field], task);
      }
    }
    return null;
  }
  const name = o.map.toLowerCase();
  if (!dependencies.some((d) => d.taskName === name)) {
    const names = dependencies.map((d) => `"${d.taskName}"`).join(', ') || 'none';
    throw new InvalidOptionError(
      whereOf(given),
      'map',
      'the name of one of its dependencies',
      o.map,
      task,
      `Its dependencies: ${names}. Add "${name}" to \`dependencies\` to map over its result.`,
    );
  }
  return name;
}

function checkRetryOn(name: string, task: string, value: RetryOn | undefined): RetryOn | undefined {
  if (value === undefined) return undefined;
  const where = whereOf(name);
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
      throw new InvalidOptionError(where, `retryOn[${i}]`, RETRY_MATCHER_EXPECTED, matcher, task, why);
    }
    checkValue({ where, taskName: task, field: `retryOn[${i}]` }, retryMatcherSchema, matcher);
  });
  return Object.freeze([...value]);
}
