import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../definition/task.js';
import type { SerializedError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type {
  ArgumentOrigin,
  ArgumentPath,
  AttemptOutcome,
  AttemptRequest,
  Executor,
  TaskSpec,
  UpstreamState,
} from '../executors/types.js';
import { logWriteErrorOf, type TaskLog, type TaskLogFile } from '../logging/logging.js';
import type { Redaction } from '../logging/redaction.js';
import { backoffDelayMs } from '../options/backoff.js';
import { TaskStatus } from '../report/status.js';
import type { AttemptHeap, AttemptRecord, NotRetried, TaskReportEntry } from '../report/types.js';
import type { RunEvent } from './events.js';
import { type AttemptProgress, attemptRecord, buildEntry, errorData } from './report-entry.js';
import { DEFAULT_RETRY_CODES, isRetryable } from './retry.js';

/** Everything one task needs for its attempts within a run. */
export interface TaskRun {
  readonly task: Task;
  /** What the executor is told the task runs. */
  readonly spec: TaskSpec;
  readonly args: readonly unknown[];
  readonly argumentOrigins: readonly ArgumentOrigin[];
  /** How each dependency ended, for `taskContext().upstream`. */
  readonly upstream: Readonly<Record<string, UpstreamState>>;
  readonly executor: Executor;
  readonly runId: string;
  readonly processName: string;
  /** The run's signal for executors (`NEVER_ABORTED` when the run cannot be cancelled). */
  readonly runSignal: AbortSignal;
  readonly taskLog: TaskLog;
  /** The task's log file in this run, when it has one: its write failures go on the entry. */
  readonly logFile: TaskLogFile | null;
  /** Injected results the attempt may consume (moved to a worker thread instead of copied). */
  readonly movableArgs: readonly ArgumentPath[];
  readonly redaction: Redaction;
  /** Undefined when nobody listens: then no event objects are built at all. */
  readonly emit: ((event: RunEvent) => void) | undefined;
  /** The names of every task downstream, computed only when the task fails. */
  readonly downstreamImpact: () => readonly string[];
  /** Updated as attempts go; the scheduler reads it when the run is aborted under the task. */
  readonly progress: AttemptProgress;
}

/**
 * Runs a task's attempts until one succeeds, the failure is not retryable,
 * the attempts are used up, or the run is aborted. Resolves to the task's
 * report entry; never rejects.
 *
 * Promise callbacks rather than an async function: every main-thread task
 * of every run comes through here, and a suspended async function keeps a
 * frame with all of its registers alive, which was the largest allocation
 * of a no-op task (and so of the run's garbage collections).
 */
export function runTaskAttempts(run: TaskRun): Promise<TaskReportEntry> {
  run.taskLog.started(run.task.name);
  const oomHeaps = run.task.retryOnOomHeapMb;
  const attempts: Attempts = {
    first: firstAttemptRequest(run, run.args, run.taskLog.sink),
    options: { signal: run.runSignal },
    maxAttempts: run.task.retries + 1,
    oomRetries: 0,
    heap: oomHeaps.length > 0 ? [] : undefined,
    heapMb: undefined,
    firstStart: undefined,
    history: [],
  };
  return runAttempt(run, attempts, 1);
}

/** What a task's attempts share, attempt to attempt. */
interface Attempts {
  readonly first: AttemptRequest;
  readonly options: { readonly signal: AbortSignal };
  /** Bigger-heap attempts after running out of memory come on top of `retries`. */
  maxAttempts: number;
  oomRetries: number;
  readonly heap: AttemptHeap[] | undefined;
  heapMb: number | undefined;
  firstStart: number | undefined;
  readonly history: AttemptRecord[];
}

function runAttempt(run: TaskRun, attempts: Attempts, attempt: number): Promise<TaskReportEntry> {
  const { task, runId, emit, progress } = run;
  try {
    progress.attempt = attempt;
    emit?.({ type: 'task:started', runId, at: Date.now(), taskName: task.name, attempt });
    const { first, heapMb } = attempts;
    const request: AttemptRequest =
      attempt === 1 && heapMb === undefined
        ? first
        : {
            ...first,
            args: argumentsForAttempt(task, run.args),
            attempt,
            ...(heapMb === undefined ? {} : { heapMb }),
          };
    return Promise.resolve(run.executor.execute(request, attempts.options)).then((outcome) =>
      attemptEnded(run, attempts, attempt, outcome),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The entry once `attempt` ended with `outcome`, or the next attempt's promise of it. */
function attemptEnded(
  run: TaskRun,
  attempts: Attempts,
  attempt: number,
  outcome: AttemptOutcome,
): TaskReportEntry | Promise<TaskReportEntry> {
  const { task, runId, runSignal, taskLog, emit, progress } = run;
  const { heap, heapMb, history } = attempts;
  const firstStart = attempts.firstStart ?? outcome.startedAt;
  attempts.firstStart = firstStart;
  history.push(attemptRecord(attempt, outcome));
  progress.firstStart = firstStart;
  const { queuedAt } = progress;
  const outOfMemory = !outcome.ok && outcome.error.classChain.includes('WorkerOutOfMemoryError');
  heap?.push({
    attempt,
    limitMb: heapMb ?? null,
    // A thread that ran out of memory cannot say how much it used: all it was allowed.
    peakUsedMb: outcome.heapUsedMb ?? (outOfMemory ? (heapMb ?? null) : null),
  });
  const elapsedMs = outcome.finishedAt - firstStart;
  if (outcome.ok) {
    taskLog.finished(task.name, attempt, elapsedMs);
    emit?.({ type: 'task:succeeded', runId, at: Date.now(), taskName: task.name, attempts: attempt, elapsedMs });
    const logWriteError = logWriteErrorOf(task, run.logFile, undefined);
    const entry = buildEntry(task, {
      status: TaskStatus.SUCCESS,
      attempts: attempt,
      firstStart,
      queuedAt,
      outcome,
      history,
      logWriteError,
    });
    return heap ? { ...entry, heap } : entry;
  }
  const failure = outcome.error;
  const oomHeaps = task.retryOnOomHeapMb;
  if (outOfMemory && attempts.oomRetries < oomHeaps.length && !runSignal.aborted) {
    attempts.heapMb = oomHeaps[attempts.oomRetries++];
    attempts.maxAttempts++;
    const message = `${failure.message} (next: a thread with ${attempts.heapMb} MB of heap)`;
    announceRetry(run, attempts, attempt, failure, message, 0);
    return runAttempt(run, attempts, attempt + 1);
  }
  const decision = attempt < attempts.maxAttempts && !runSignal.aborted ? retryDecision(task, failure) : undefined;
  if (decision === true) {
    const delayMs = backoffDelayMs(task.retryDelayMs, attempt);
    announceRetry(run, attempts, attempt, failure, failure.message, delayMs);
    const retry = (): TaskReportEntry | Promise<TaskReportEntry> =>
      runSignal.aborted
        ? failedEntry(run, attempts, attempt, outcome, undefined)
        : runAttempt(run, attempts, attempt + 1);
    if (delayMs > 0) return sleep(delayMs, undefined, { signal: runSignal }).then(retry, retry);
    return retry();
  }
  return failedEntry(run, attempts, attempt, outcome, typeof decision === 'object' ? decision : undefined);
}

function announceRetry(
  run: TaskRun,
  attempts: Attempts,
  attempt: number,
  failure: SerializedError,
  message: string,
  delayMs: number,
): void {
  run.taskLog.retrying(attempt, attempts.maxAttempts, message, delayMs);
  run.emit?.({
    type: 'task:retrying',
    runId: run.runId,
    at: Date.now(),
    taskName: run.task.name,
    attempt,
    error: failure,
    delayMs,
  });
}

/** The entry of a task whose last attempt failed. */
function failedEntry(
  run: TaskRun,
  attempts: Attempts,
  attempt: number,
  outcome: AttemptOutcome & { readonly ok: false },
  notRetried: NotRetried | undefined,
): TaskReportEntry {
  const { task, runId, taskLog, emit, progress } = run;
  const { heap, history } = attempts;
  // Set by attemptEnded, which every failed attempt passes through first.
  const firstStart = attempts.firstStart as number;
  const elapsedMs = outcome.finishedAt - firstStart;
  const error = errorData(task, outcome.error, run.downstreamImpact(), outcome.tracedVars);
  taskLog.failed(error, attempt, elapsedMs, run.redaction);
  emit?.({
    type: 'task:failed',
    runId,
    at: Date.now(),
    taskName: task.name,
    attempts: attempt,
    elapsedMs,
    error: outcome.error,
  });
  if (notRetried && notRetried.reason !== 'retry-on-threw') {
    // The attempts end here, so this fires once per task and run.
    emitProcessesWarning(WarningCode.TASK_NOT_RETRIED, notRetried.message);
  }
  const logWriteError = logWriteErrorOf(task, run.logFile, undefined);
  const entry = buildEntry(task, {
    status: TaskStatus.ERRORED,
    attempts: attempt,
    firstStart,
    queuedAt: progress.queuedAt,
    outcome,
    history,
    error,
    notRetried,
    logWriteError,
  });
  return heap ? { ...entry, heap } : entry;
}

/**
 * The request of a task's first attempt. Chain fusion (chain-fusion.ts)
 * builds a fused link's request here too, before the link's arguments
 * exist (they are made on the worker thread) and with a sink that holds the
 * link's log lines until the link's start is logged.
 */
export function firstAttemptRequest(
  run: Omit<TaskRun, 'executor' | 'progress' | 'emit' | 'downstreamImpact' | 'logFile' | 'args'>,
  args: readonly unknown[],
  log: AttemptRequest['log'],
): AttemptRequest {
  const { task, taskLog } = run;
  const request: { -readonly [K in keyof AttemptRequest]: AttemptRequest[K] } = {
    task: run.spec,
    args: argumentsForAttempt(task, args),
    argumentOrigins: run.argumentOrigins,
    attempt: 1,
    upstream: run.upstream,
    runId: run.runId,
    processName: run.processName,
    timeoutMs: task.timeoutMs,
    transferResult: task.transferResult,
    movableArgs: run.movableArgs,
    tracedVars: tracedVarsOf(task),
    redact: run.redaction.toWire() ?? null,
    log,
    logLevel: taskLog.level,
  };
  // Set, not spread into the literal: a spread makes the literal a slow copy, once per task of every run.
  if (task.retryOnOomHeapMb.length > 0) request.measureHeap = true;
  return request;
}

/**
 * Each attempt gets its own options object, as each call in the Python library gets
 * its own `**kwargs` dict: an attempt that edits its options cannot change
 * what the retry receives. (A shallow copy, like Python's.)
 */
function argumentsForAttempt(task: Task, args: readonly unknown[]): readonly unknown[] {
  if (!task.passesKwargs) return args;
  return [...args.slice(0, -1), { ...(args.at(-1) as Record<string, unknown>) }];
}

const tracedVarsSettings = new WeakMap<Task, AttemptRequest['tracedVars']>();

/** The task's traced-variables settings, one object per task (tasks are immutable). */
function tracedVarsOf(task: Task): AttemptRequest['tracedVars'] {
  let settings = tracedVarsSettings.get(task);
  if (!settings) {
    settings = Object.freeze({ capture: task.captureTracedVars, frameFilter: task.tracedVarsFrameFilter });
    tracedVarsSettings.set(task, settings);
  }
  return settings;
}

/**
 * Whether a failure with attempts left is tried again: `true`, or why not.
 * The why names the error and what `retryOn` accepts, because a retryOn that
 * silently does not match is the usual reason retries "do nothing".
 */
function retryDecision(task: Task, error: SerializedError): true | NotRetried {
  let retryable: boolean;
  try {
    retryable = isRetryable(error, task.retryOn);
  } catch (thrown) {
    const message = `Task "${task.name}": its retryOn predicate threw (${thrown instanceof Error ? thrown.message : String(thrown)}); the failure is not retried.`;
    emitProcessesWarning(WarningCode.RETRY_PREDICATE_FAILED, message);
    return { reason: 'retry-on-threw', message };
  }
  if (retryable) return true;
  const failed = `Task "${task.name}" failed with ${error.name}${error.code === undefined ? '' : ` (${error.code})`}`;
  const unused = `${task.retries} ${task.retries === 1 ? 'retry' : 'retries'} left unused`;
  const { retryOn } = task;
  if (typeof retryOn === 'function') {
    return {
      reason: 'retry-on-rejected',
      message: `${failed}, which its retryOn predicate rejected: not retried (${unused}).`,
    };
  }
  const accepted =
    retryOn === undefined
      ? `without retryOn only TaskTimeoutError and network error codes (${[...DEFAULT_RETRY_CODES].slice(0, 3).join(', ')}, …) are retried`
      : `retryOn accepts ${retryOn.length === 0 ? 'nothing' : retryOn.map((m) => (typeof m === 'string' ? m : m.name)).join(', ')}`;
  return {
    reason: 'retry-on-no-match',
    message: `${failed}, which retryOn does not match: not retried (${unused}); ${accepted}.`,
  };
}
