import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../definition/task.js';
import type { SerializedError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type { ArgumentOrigin, ArgumentPath, AttemptRequest, Executor, TaskSpec } from '../executors/types.js';
import { logWriteErrorOf, type TaskLog, type TaskLogFile } from '../logging/logging.js';
import type { Redaction } from '../logging/redaction.js';
import { backoffDelayMs } from '../options/backoff.js';
import { TaskStatus } from '../report/status.js';
import type { AttemptRecord, TaskReportEntry } from '../report/types.js';
import type { RunEvent } from './events.js';
import { attemptRecord, buildEntry, errorData } from './report-entry.js';
import { isRetryable } from './retry.js';

/** Everything one task needs for its attempts within a run. */
export interface TaskRun {
  readonly task: Task;
  /** What the executor is told the task runs. */
  readonly spec: TaskSpec;
  readonly args: readonly unknown[];
  readonly argumentOrigins: readonly ArgumentOrigin[];
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
  const history: AttemptRecord[] = [];
  const options = { signal: runSignal };
  const request = {
    task: run.spec,
    argumentOrigins: run.argumentOrigins,
    runId,
    processName: run.processName,
    timeoutMs: task.timeoutMs,
    transferResult: task.transferResult,
    movableArgs: run.movableArgs,
    tracedVars: { capture: task.captureTracedVars, frameFilter: task.tracedVarsFrameFilter },
    redact: run.redaction.toWire() ?? null,
    log: taskLog.sink,
    logLevel: taskLog.level,
  };
  for (let attempt = 1; ; attempt++) {
    emit?.({ type: 'task:started', runId, at: Date.now(), taskName: task.name, attempt });
    const attemptRequest: AttemptRequest = { ...request, args: argumentsForAttempt(task, run.args), attempt };
    const outcome = await run.executor.execute(attemptRequest, options);
    firstStart ??= outcome.startedAt;
    history.push(attemptRecord(attempt, outcome));
    const elapsedMs = outcome.finishedAt - firstStart;
    if (outcome.ok) {
      taskLog.finished(task.name, attempt, elapsedMs);
      emit?.({ type: 'task:succeeded', runId, at: Date.now(), taskName: task.name, attempts: attempt, elapsedMs });
      const logWriteError = logWriteErrorOf(task, run.logFile, undefined);
      return buildEntry(task, {
        status: TaskStatus.SUCCESS,
        attempts: attempt,
        firstStart,
        outcome,
        history,
        logWriteError,
      });
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
    const logWriteError = logWriteErrorOf(task, run.logFile, undefined);
    return buildEntry(task, {
      status: TaskStatus.ERRORED,
      attempts: attempt,
      firstStart,
      outcome,
      history,
      error,
      logWriteError,
    });
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
