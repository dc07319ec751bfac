import { describeReceived } from '../options/describe-value.js';
import type { ExecutionReport } from '../report/types.js';

/**
 * Base class of every error this library throws. Each subclass has a stable
 * `code` (listed in docs/errors.md) so callers can branch on it without
 * parsing messages; a code is never reused once retired.
 */
export abstract class ProcessesError extends Error {
  /** Each subclass names its code here, so the code is known without an instance. */
  static readonly code: string = 'PROC_ERROR';
  /** The task the error is about, when there is one (normalised to lower case). */
  readonly taskName: string | undefined;

  constructor(message: string, taskName?: string, options?: ErrorOptions) {
    super(message, options);
    // Non-enumerable like Error's own, so the class name shows in stacks but not in serialised props.
    Object.defineProperty(this, 'name', { value: new.target.name, configurable: true, writable: true });
    this.taskName = taskName;
  }

  /** The stable code of this error's class (see docs/errors.md). */
  get code(): string {
    return (this.constructor as typeof ProcessesError).code;
  }
}

/** An option, argument or name has the wrong type or value. Thrown before anything runs. */
export class InvalidOptionError extends ProcessesError {
  static override readonly code: string = 'PROC_INVALID_OPTION';
  /** The option that was rejected, as a path (`timeoutMs`, `dependencies[1]`, `retryDelayMs.factor`). */
  readonly field: string;
  /** What the option must be, in words. */
  readonly expected: string;
  /** The value that was given. */
  readonly received: unknown;

  /**
   * @param receivedText How to show the given value in the message, instead
   *   of rendering it (for values that may be secrets).
   */
  constructor(
    where: string,
    field: string,
    expected: string,
    received: unknown,
    taskName?: string,
    detail?: string,
    receivedText?: string,
  ) {
    super(
      `${where}: expected \`${field}\` to be ${expected}, got ${receivedText ?? describeReceived(received)}${detail ? `. ${detail}` : ''}`,
      taskName,
    );
    this.field = field;
    this.expected = expected;
    this.received = received;
  }
}

/** An options object has a key the library does not know (often a typo or a Python name). */
export class UnknownOptionError extends ProcessesError {
  static override readonly code: string = 'PROC_UNKNOWN_OPTION';
  readonly field: string;
  constructor(where: string, field: string, known: readonly string[], taskName?: string) {
    const leaf = field.slice(field.lastIndexOf('.') + 1);
    // Own entries only: `toString` must not "suggest" Object.prototype.toString.
    const hint = closestName(leaf, known) ?? PYTHON_NAMES.get(leaf);
    super(
      `${where}: unknown option \`${field}\`.${hint ? ` Did you mean \`${hint}\`?` : ''} Known options: ${known.join(', ')}.`,
      taskName,
    );
    this.field = field;
  }
}

/** Python option names that the nearest-name hint cannot reach. */
const PYTHON_NAMES: ReadonlyMap<string, string> = new Map([
  ['timeout', 'timeoutMs'],
  ['traced_vars_frame_filter', 'tracedVarsFrameFilter'],
  ['max_workers', 'maxWorkers'],
  ['use_result_as_additional_args', 'useResultAsAdditionalArgs'],
  ['use_result_as_additional_kwargs', 'useResultAsAdditionalKwargs'],
  ['additional_kwarg_name', 'additionalKwargName'],
]);

/** Two tasks of one process have the same (case-insensitive) name. */
export class DuplicateTaskError extends ProcessesError {
  static override readonly code: string = 'PROC_DUPLICATE_TASK';
  constructor(taskName: string) {
    super(`Duplicate task name: "${taskName}". Task names are unique within a process, ignoring case.`, taskName);
  }
}

/** A task lists the same dependency twice, or `addTaskDependency` adds one it already has. */
export class DuplicateDependencyError extends ProcessesError {
  static override readonly code: string = 'PROC_DUPLICATE_DEPENDENCY';
  readonly dependencyName: string;
  constructor(taskName: string, dependencyName: string) {
    super(`Task "${taskName}" already depends on "${dependencyName}".`, taskName);
    this.dependencyName = dependencyName;
  }
}

/** The dependencies form a cycle, so no order can run them. */
export class CircularDependencyError extends ProcessesError {
  static override readonly code: string = 'PROC_CIRCULAR_DEPENDENCY';
  /** The cycle, first task repeated at the end; each task depends on the next. */
  readonly cycle: readonly string[];
  constructor(cycle: readonly string[], message?: string) {
    super(message ?? `Circular dependency detected: ${cycle.join(' -> ')} (each task depends on the next).`, cycle[0]);
    this.cycle = cycle;
  }
}

/** A task lists itself as a dependency: the smallest cycle. */
export class SelfDependencyError extends CircularDependencyError {
  static override readonly code: string = 'PROC_SELF_DEPENDENCY';
  constructor(taskName: string) {
    super([taskName, taskName], `Task "${taskName}" lists itself as a dependency.`);
  }
}

/** A dependency names a task the process does not have. */
export class DependencyNotFoundError extends ProcessesError {
  static override readonly code: string = 'PROC_DEPENDENCY_NOT_FOUND';
  declare readonly taskName: string;
  readonly missingDependency: string;
  constructor(taskName: string, missingDependency: string) {
    super(`Task "${taskName}" depends on missing task "${missingDependency}".`, taskName);
    this.missingDependency = missingDependency;
  }
}

/** A lookup (`getTask`, `removeTask`, `addTaskDependency`) named a task the process does not have. */
export class TaskNotFoundError extends ProcessesError {
  static override readonly code: string = 'PROC_TASK_NOT_FOUND';
  declare readonly taskName: string;
  constructor(taskName: string, known: readonly string[] = []) {
    const hint = closestName(taskName, known);
    super(`Task not found: "${taskName}".${hint ? ` Did you mean "${hint}"?` : ''}`, taskName);
  }
}

/** `removeTask` was asked to remove a task other tasks still depend on. */
export class TaskStillRequiredError extends ProcessesError {
  static override readonly code: string = 'PROC_TASK_STILL_REQUIRED';
  declare readonly taskName: string;
  /** Every task that depends on it, directly or not, sorted. */
  readonly dependants: readonly string[];
  constructor(taskName: string, dependants: readonly string[]) {
    super(
      `Cannot remove task "${taskName}": still required by ${dependants.join(', ')}. Remove the dependent task(s) first.`,
      taskName,
    );
    this.dependants = dependants;
  }
}

/** How an attempt that ran out of time was ended. */
export type TimeoutEnding =
  /** A main-thread task: its signal was aborted and its late result is ignored. */
  | 'cooperative'
  /** A worker task stopped by itself once its signal was aborted, within the grace period. */
  | 'signal'
  /** A worker task ignored its signal; its thread was terminated after the grace period. */
  | 'terminated'
  /** An executor's own kind of ending (say `'worker-lost'`); the message then names it. */
  | (string & {});

/** An attempt ran longer than the task's `timeoutMs`. Retried by default when `retries >= 1`. */
export class TaskTimeoutError extends ProcessesError {
  static override readonly code: string = 'PROC_TASK_TIMEOUT';
  declare readonly taskName: string;
  readonly timeoutMs: number;
  readonly attempt: number;
  readonly endedBy: TimeoutEnding;
  /** Set when the deadline passed while the worker was still importing the task's module: that module's URL. */
  declare readonly loadingModule?: string;
  /**
   * @param endedBy How the attempt was ended: a built-in kind or an executor's own.
   * @param graceMs For `'terminated'`: how long the task had to stop after its signal.
   * @param loadingModule The module still being imported when time ran out, if it was.
   */
  constructor(
    taskName: string,
    timeoutMs: number,
    attempt: number,
    endedBy: TimeoutEnding,
    graceMs = 0,
    loadingModule?: string,
  ) {
    const ending = loadingModule
      ? `its module was still loading (${loadingModule}), so its worker thread was terminated after a ${graceMs} ms grace period`
      : Object.hasOwn(ENDINGS, endedBy)
        ? ENDINGS[endedBy as BuiltInEnding](graceMs)
        : `it ended: ${endedBy}`;
    super(`Task "${taskName}" timed out after ${timeoutMs} ms (attempt ${attempt}); ${ending}.`, taskName);
    this.timeoutMs = timeoutMs;
    this.attempt = attempt;
    this.endedBy = endedBy;
    // Only when it applies, so the error's data is unchanged for every other timeout.
    if (loadingModule) Object.defineProperty(this, 'loadingModule', { value: loadingModule, enumerable: true });
  }
}

type BuiltInEnding = 'cooperative' | 'signal' | 'terminated';

const ENDINGS: Record<BuiltInEnding, (graceMs: number) => string> = {
  cooperative: () => 'its signal was aborted and any late result is ignored',
  signal: () => 'it stopped when its signal was aborted',
  terminated: (graceMs) =>
    `it ignored its abort signal, so its worker thread was terminated after a ${graceMs} ms grace period`,
};

/** No executor given to `run({ executors })` accepts a task. Thrown before anything runs. */
export class NoExecutorError extends ProcessesError {
  static override readonly code: string = 'PROC_NO_EXECUTOR';
  declare readonly taskName: string;
  /** The names of the executors that were asked, in order. */
  readonly executors: readonly string[];
  constructor(taskName: string, kind: string, executors: readonly string[]) {
    super(
      `Task "${taskName}": no executor accepts a ${kind} task (asked: ${executors.length ? executors.join(', ') : 'none'}). No task was run. Add an executor that runs it to \`run({ executors })\`.`,
      taskName,
    );
    this.executors = executors;
  }
}

/** `run()` was cancelled through its `signal`. `report` holds what had finished by then. */
export class RunAbortedError extends ProcessesError {
  static override readonly code: string = 'PROC_RUN_ABORTED';
  /** The partial report: finished tasks as they ended, running ones and those not started CANCELLED. */
  readonly report: ExecutionReport;
  constructor(report: ExecutionReport, reason: unknown) {
    super(
      `The run of process${report.processName ? ` "${report.processName}"` : ''} was aborted: ${reasonText(reason)}`,
      undefined,
      { cause: reason },
    );
    this.report = report;
  }
}

/** A task's `logPath` could not be opened when the run started; no task ran. */
export class LogFileError extends ProcessesError {
  static override readonly code: string = 'PROC_LOG_FILE_UNAVAILABLE';
  declare readonly taskName: string;
  readonly path: string;
  constructor(taskName: string, path: string, cause: unknown) {
    super(`Task "${taskName}": cannot open log file "${path}": ${reasonText(cause)}. No task was run.`, taskName, {
      cause,
    });
    this.path = path;
  }
}

/** `taskContext()` was called outside a running task. */
export class NoTaskContextError extends ProcessesError {
  static override readonly code: string = 'PROC_NO_TASK_CONTEXT';
  constructor() {
    super('taskContext() was called outside a running task. Call it from inside a task function (or code it calls).');
  }
}

/** `ProcessExecutionReport.fromJSON()` was given something that is not a report document. */
export class ReportFormatError extends ProcessesError {
  static override readonly code: string = 'PROC_INVALID_REPORT_JSON';
  readonly path: string;
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`Not a processes report document: ${path ? `at \`${path}\`: ` : ''}${problem}`, undefined, options);
    this.path = path;
  }
}

/** What a thrown value says: its message (also of an Error cloned across threads), or the value as text. */
export function reasonText(reason: unknown): string {
  // Errors cloned across threads keep their message but may not be `instanceof Error` here.
  const message = (reason as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(reason);
}

/** A known name within edit distance 2 of `name`, for "did you mean" hints. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A worker task's module could not be imported in the worker thread. */
export class WorkerModuleLoadError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_MODULE_LOAD_FAILED';
  readonly moduleUrl: string;
  constructor(taskName: string, moduleUrl: string, cause: unknown, hint = '') {
    super(
      `Task "${taskName}": cannot load worker module "${moduleUrl}": ${reasonText(cause)}${hint ? `. ${hint}` : ''}`,
      taskName,
      { cause },
    );
    this.moduleUrl = moduleUrl;
  }
}

/** A worker task's module loaded but has no function under the export name. */
export class WorkerExportNotFoundError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_EXPORT_NOT_FOUND';
  readonly moduleUrl: string;
  readonly exportName: string;
  constructor(taskName: string, moduleUrl: string, exportName: string, found: string, available: readonly string[]) {
    super(
      `Task "${taskName}": worker module "${moduleUrl}" has no function export "${exportName}" (${found}; its exports: ${available.length ? available.join(', ') : 'none'}).`,
      taskName,
    );
    this.moduleUrl = moduleUrl;
    this.exportName = exportName;
  }
}

/** A worker task ended its thread: it called `process.exit()`, or the thread exited on its own. */
export class WorkerExitError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_EXITED';
  readonly exitCode: number | undefined;
  constructor(taskName: string, exitCode: number | undefined, calledExit: boolean) {
    super(
      calledExit
        ? `Task "${taskName}" called process.exit(${exitCode ?? ''}), which ended its worker thread. Throw an error instead.`
        : `Task "${taskName}": its worker thread exited${exitCode === undefined ? '' : ` with code ${exitCode}`} before the task finished.`,
      taskName,
    );
    this.exitCode = exitCode;
  }
}

/** A worker task ran out of heap under the pool's `resourceLimits`; its thread was stopped. */
export class WorkerOutOfMemoryError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_OUT_OF_MEMORY';
  constructor(taskName: string, limits: string, cause: unknown) {
    super(
      `Task "${taskName}" ran out of memory in its worker thread (${limits}); the thread was stopped and replaced.`,
      taskName,
      { cause },
    );
  }
}

/**
 * An input of a worker task could not be cloned into its worker thread (a
 * function, a symbol, an object holding native state), so the attempt never
 * started. `argument` is its place in the call (`args[1]`, or
 * `options.rows` for a key of the options object); `dependency` names the
 * task whose result it was, when it was an injected result.
 */
export class WorkerArgumentError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_ARGUMENT_UNCLONEABLE';
  declare readonly taskName: string;
  readonly argument: string;
  readonly dependency: string | undefined;
  constructor(taskName: string, argument: string, dependency: string | undefined, cause: unknown) {
    const what = dependency === undefined ? argument : `the result of "${dependency}" (${argument})`;
    super(
      `Task "${taskName}": its input could not be sent to the worker thread: ${what} could not be cloned (${reasonText(cause)}). Pass data that structured clone can copy: no functions, symbols or class instances that hold native state.`,
      taskName,
      { cause },
    );
    this.argument = argument;
    this.dependency = dependency;
  }
}

/** A worker thread failed in a way that is none of the above (for example a result that cannot be cloned). */
export class WorkerCrashError extends ProcessesError {
  static override readonly code: string = 'PROC_WORKER_CRASHED';
  constructor(taskName: string, cause: unknown) {
    const read = reasonText(cause);
    const text = read === '[object Object]' ? 'the thread failed without a readable error' : read;
    const uncloneable = /could not be cloned|DataCloneError/i.test(`${(cause as Error)?.name} ${text}`);
    super(
      uncloneable
        ? `Task "${taskName}": its result could not be sent back from the worker thread (${text}). Return data that structured clone can copy: no functions, symbols or class instances that hold native state.`
        : `Task "${taskName}": its worker thread failed: ${text}`,
      taskName,
      { cause },
    );
  }
}

/** A task was given to a `WorkerPool` after `close()` or `destroy()`. */
export class PoolClosedError extends ProcessesError {
  static override readonly code: string = 'PROC_POOL_CLOSED';
  constructor(taskName?: string) {
    super(
      `${taskName ? `Task "${taskName}": ` : ''}the worker pool is closed; create a new WorkerPool or do not close it while runs use it.`,
      taskName,
    );
  }
}

/** A task names a concurrency pool its process does not declare in `pools`. */
export class UnknownPoolError extends ProcessesError {
  static override readonly code: string = 'PROC_UNKNOWN_POOL';
  declare readonly taskName: string;
  readonly pool: string;
  constructor(taskName: string, pool: string, known: readonly string[]) {
    const hint = closestName(pool, known);
    super(
      `Task "${taskName}" uses pool "${pool}", which the process does not declare.${hint ? ` Did you mean "${hint}"?` : ''} Declared pools: ${known.length > 0 ? known.map((p) => `"${p}"`).join(', ') : 'none'} (\`new Process(tasks, { pools: { ${pool}: 2 } })\`).`,
      taskName,
    );
    this.pool = pool;
  }
}

/** A task holds more slots of its pool (`poolSlots`) than the pool has, so it could never start. */
export class PoolTooSmallError extends ProcessesError {
  static override readonly code: string = 'PROC_POOL_TOO_SMALL';
  declare readonly taskName: string;
  readonly pool: string;
  readonly poolSlots: number;
  readonly size: number;
  constructor(taskName: string, pool: string, poolSlots: number, size: number) {
    super(
      `Task "${taskName}" needs ${poolSlots} slots of pool "${pool}", which has ${size}; it could never start. Lower \`poolSlots\` or enlarge the pool.`,
      taskName,
    );
    this.pool = pool;
    this.poolSlots = poolSlots;
    this.size = size;
  }
}

/** The dependency a mapped task maps over did not return an array; the mapped task errors without running. */
export class MapSourceNotArrayError extends ProcessesError {
  static override readonly code: string = 'PROC_MAP_SOURCE_NOT_ARRAY';
  declare readonly taskName: string;
  readonly source: string;
  constructor(taskName: string, source: string, received: unknown) {
    super(
      `Task "${taskName}" maps over the result of "${source}", which must be an array; got ${describeReceived(received)}.`,
      taskName,
    );
    this.source = source;
  }
}

/** An attempt of a mapped task with `mapBatchSize` > 1 did not return one result per item of its batch. */
export class MapBatchResultError extends ProcessesError {
  static override readonly code: string = 'PROC_MAP_BATCH_RESULT';
  declare readonly taskName: string;
  constructor(taskName: string, items: number, received: unknown) {
    super(
      `Task "${taskName}" was given a batch of ${items} items and must return an array of ${items} results; got ${describeReceived(received)}.`,
      taskName,
    );
  }
}

/**
 * An input of a cached or fingerprinted task cannot be hashed: a function, a
 * symbol, a class instance the hasher does not know, a cycle. A silent miss
 * or a silently dropped field could reuse a wrong result, so it is an error.
 */
export class UnhashableInputError extends ProcessesError {
  static override readonly code: string = 'PROC_UNHASHABLE_INPUT';
  /** Where in the task's inputs: `args[1]`, `kwargs.table`, `args[0].rows[3]`, `cacheKey`, `result of "load"`. */
  readonly field: string;
  /** What was found there. */
  readonly reason: string;
  constructor(taskName: string, field: string, reason: string) {
    super(
      `Task "${taskName}": \`${field}\` cannot be hashed for its cache key or fingerprint: ${reason}. Pass plain data (JSON values, Date, Map, Set, typed arrays, bigint), or leave it out of the key with \`cacheKey\`.`,
      taskName,
    );
    this.field = field;
    this.reason = reason;
  }
}

/**
 * `run({ resumeFrom })`: a task would be reused, but the report holds its
 * result only as a lossy copy (it was not JSON-safe nor structured-cloneable
 * when written), and a lossy copy is never reused silently.
 */
export class ResultNotRestorableError extends ProcessesError {
  static override readonly code: string = 'PROC_RESULT_NOT_RESTORABLE';
  constructor(taskName: string, reason: string) {
    super(
      `Task "${taskName}": its result in the report cannot be restored exactly (${reason}), so the run cannot resume from it. Return plain data (JSON values, Date, Map, Set, typed arrays, bigint) from the task, or resume from the in-memory report.`,
      taskName,
    );
  }
}

/** Items of a mapped task failed (without `allowPartial`): the mapped task errored and its dependants are skipped. */
export class MappedItemsFailedError extends ProcessesError {
  static override readonly code: string = 'PROC_MAP_ITEMS_FAILED';
  declare readonly taskName: string;
  /** The indices of the items that failed, ascending. */
  readonly failedIndices: readonly number[];
  constructor(taskName: string, failedIndices: readonly number[], items: number) {
    const shown = failedIndices.slice(0, 20).join(', ') + (failedIndices.length > 20 ? ', …' : '');
    super(
      `Task "${taskName}": ${failedIndices.length} of ${items} items failed (indices ${shown}); see the entries "${taskName}[i]".`,
      taskName,
    );
    this.failedIndices = Object.freeze([...failedIndices]);
  }
}

/** `run({ resumeFrom: path })`: the report file could not be read. */
export class ResumeFileError extends ProcessesError {
  static override readonly code: string = 'PROC_RESUME_FILE_UNREADABLE';
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`run(): the report to resume from, ${path}, could not be read (${reasonText(cause)}).`, undefined, {
      cause,
    });
    this.path = path;
  }
}
