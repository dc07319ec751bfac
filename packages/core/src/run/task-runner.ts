import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../definition/task.js';
import { formatTraceback, type SerializedError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type { TracedVarsSnapshot } from '../executors/traced-vars.js';
import type { AttemptOutcome, Executor } from '../executors/types.js';
import { combineLogWriteFailures, type LogWriteFailure } from '../logging/log-write.js';
import { logWriteErrorOf, type TaskLog, type TaskLogFile } from '../logging/logging.js';
import type { Redaction } from '../logging/redaction.js';
import { backoffDelayMs } from '../options/backoff.js';
import { TaskStatus } from '../report/status.js';
import type { ErrorData, LogWriteError, TaskReportEntry } from '../report/types.js';
import type { RunEvent } from './events.js';
import { isRetryable } from './retry.js';

/** Everything one task needs for its attempts within a run. */
export interface TaskRun {
  readonly task: Task;
  readonly args: readonly unknown[];
  readonly executor: Executor;
  readonly runId: string;
  readonly processName: string;
  readonly runSignal: AbortSignal;
  readonly cancellable: boolean;
  readonly taskLog: TaskLog;
  /** The task's log file in this run, when it has one. */
  readonly logFile: TaskLogFile | null;
  readonly forwardLogs: boolean;
  /** Buffers in `args` that may be moved to a worker thread instead of copied. */
  readonly transferables: readonly ArrayBuffer[];
  readonly redaction: Redaction;
  /** Undefined when nobody listens: then no event objects are built at all. */
  readonly emit: ((event: RunEvent) => void) | undefined;
  /** The names of every task downstream, computed only when the task fails. */
  readonly downstreamImpact: () => readonly string[];
}

/**
 * Runs a task's attempts until one succeeds, the failure is not retryable,
 * the attempts are used up, or the run is aborted. Resolves to the task's
 * report entry; never rejects.
 */
export async function runTaskAttempts(run: TaskRun): Promise<TaskReportEntry> {
  const { task, runId, runSignal, taskLog, emit } = run;
  const maxAttempts = task.retries + 1;
  taskLog.started(task.name);
  let firstStart: number | undefined;
  let workerLogFailure: LogWriteFailure | undefined;
  for (let attempt = 1; ; attempt++) {
    emit?.({ type: 'task:started', runId, at: Date.now(), taskName: task.name, attempt });
    const outcome = await run.executor.execute({
      task,
      args: argumentsForAttempt(task, run.args),
      attempt,
      runId,
      processName: run.processName,
      runSignal,
      cancellable: run.cancellable,
      log: taskLog.log,
      logFd: run.logFile?.fd ?? null,
      forwardLogs: run.forwardLogs,
      transferables: run.transferables,
      redaction: run.redaction,
    });
    firstStart ??= outcome.startedAt;
    workerLogFailure = combineLogWriteFailures(workerLogFailure, outcome.logWriteError);
    const elapsedMs = outcome.finishedAt - firstStart;
    if (outcome.ok) {
      taskLog.finished(task.name, attempt, elapsedMs);
      emit?.({ type: 'task:succeeded', runId, at: Date.now(), taskName: task.name, attempts: attempt, elapsedMs });
      const logWriteError = logWriteErrorOf(task, run.logFile, workerLogFailure);
      return finalEntry(
        task,
        TaskStatus.SUCCESS,
        attempt,
        firstStart,
        outcome,
        { result: outcome.value },
        logWriteError,
      );
    }
    if (attempt < maxAttempts && !runSignal.aborted && shouldRetry(task, outcome.error)) {
      const delayMs = backoffDelayMs(task.retryDelayMs, attempt);
      taskLog.retrying(attempt, maxAttempts, outcome.error.message, delayMs);
      emit?.({
        type: 'task:retrying',
        runId,
        at: Date.now(),
        taskName: task.name,
        attempt,
        error: outcome.error,
        delayMs,
      });
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: runSignal }).catch(() => undefined);
      if (!runSignal.aborted) continue;
    }
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
    const logWriteError = logWriteErrorOf(task, run.logFile, workerLogFailure);
    return finalEntry(task, TaskStatus.ERRORED, attempt, firstStart, outcome, { error }, logWriteError);
  }
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

function shouldRetry(task: Task, error: SerializedError): boolean {
  try {
    return isRetryable(error, task.retryOn);
  } catch (thrown) {
    emitProcessesWarning(
      WarningCode.RETRY_PREDICATE_FAILED,
      `Task "${task.name}": its retryOn predicate threw (${thrown instanceof Error ? thrown.message : String(thrown)}); the failure is not retried.`,
    );
    return false;
  }
}

/** The report entry of a task whose last attempt ended with `outcome`. */
function finalEntry(
  task: Task,
  status: TaskStatus,
  attempts: number,
  firstStart: number,
  outcome: AttemptOutcome,
  ending: { result: unknown } | { error: ErrorData },
  logWriteError: LogWriteError | undefined,
): TaskReportEntry {
  return {
    name: task.name,
    function: task.functionName,
    args: task.args,
    kwargs: task.kwargs,
    status,
    elapsedMs: outcome.finishedAt - firstStart,
    attempts,
    startedAt: new Date(firstStart),
    finishedAt: new Date(outcome.finishedAt),
    threadId: outcome.threadId,
    ...ending,
    ...(logWriteError ? { logWriteError } : {}),
  };
}

export function entryBase(task: Task): Pick<TaskReportEntry, 'name' | 'function' | 'args' | 'kwargs'> {
  return { name: task.name, function: task.functionName, args: task.args, kwargs: task.kwargs };
}

export function errorData(
  task: Task,
  thrown: SerializedError,
  downstreamImpact: readonly string[],
  tracedVars?: TracedVarsSnapshot,
): ErrorData {
  return {
    taskName: task.name,
    function: task.functionName,
    args: task.args,
    kwargs: task.kwargs,
    downstreamImpact,
    exception: thrown.message,
    errorName: thrown.name,
    traceback: formatTraceback(thrown),
    tracedVars: tracedVars?.vars ?? {},
    tracedVarsLocation: tracedVars?.location ?? '',
    thrown,
  };
}
