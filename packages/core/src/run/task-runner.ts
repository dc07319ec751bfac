import { setTimeout as sleep } from 'node:timers/promises';
import type { Task } from '../definition/task.js';
import type { SerializedError } from '../errors/serialize-error.js';
import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import type {
  ArgumentOrigin,
  ArgumentPath,
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
 */
export async function runTaskAttempts(run: TaskRun): Promise<TaskReportEntry> {
  const { task, runId, runSignal, taskLog, emit, progress } = run;
  // Bigger-heap attempts after running out of memory come on top of `retries`.
  const oomHeaps = task.retryOnOomHeapMb;
  let oomRetries = 0;
  let maxAttempts = task.retries + 1;
  const heap: AttemptHeap[] | undefined = oomHeaps.length > 0 ? [] : undefined;
  let heapMb: number | undefined;
  taskLog.started(task.name);
  let firstStart: number | undefined;
  const history: AttemptRecord[] = [];
  const options = { signal: runSignal };
  const first = firstAttemptRequest(run, run.args, taskLog.sink);
  for (let attempt = 1; ; attempt++) {
    progress.attempt = attempt;
    emit?.({ type: 'task:started', runId, at: Date.now(), taskName: task.name, attempt });
    const attemptRequest: AttemptRequest =
      attempt === 1 && heapMb === undefined
        ? first
        : {
            ...first,
            args: argumentsForAttempt(task, run.args),
            attempt,
            ...(heapMb === undefined ? {} : { heapMb }),
          };
    const outcome = await run.executor.execute(attemptRequest, options);
    firstStart ??= outcome.startedAt;
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
    const announceRetry = (message: string, delayMs: number): void => {
      taskLog.retrying(attempt, maxAttempts, message, delayMs);
      emit?.({ type: 'task:retrying', runId, at: Date.now(), taskName: task.name, attempt, error: failure, delayMs });
    };
    if (outOfMemory && oomRetries < oomHeaps.length && !runSignal.aborted) {
      heapMb = oomHeaps[oomRetries++];
      maxAttempts++;
      announceRetry(`${outcome.error.message} (next: a thread with ${heapMb} MB of heap)`, 0);
      continue;
    }
    const decision = attempt < maxAttempts && !runSignal.aborted ? retryDecision(task, outcome.error) : undefined;
    if (decision === true) {
      const delayMs = backoffDelayMs(task.retryDelayMs, attempt);
      announceRetry(outcome.error.message, delayMs);
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
    const notRetried = typeof decision === 'object' ? decision : undefined;
    if (notRetried && notRetried.reason !== 'retry-on-threw') {
      // The loop ends here, so this fires once per task and run.
      emitProcessesWarning(WarningCode.TASK_NOT_RETRIED, notRetried.message);
    }
    const logWriteError = logWriteErrorOf(task, run.logFile, undefined);
    const entry = buildEntry(task, {
      status: TaskStatus.ERRORED,
      attempts: attempt,
      firstStart,
      queuedAt,
      outcome,
      history,
      error,
      notRetried,
      logWriteError,
    });
    return heap ? { ...entry, heap } : entry;
  }
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
