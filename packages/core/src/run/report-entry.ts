import type { Task } from '../definition/task.js';
import { formatTraceback, type SerializedError } from '../errors/serialize-error.js';
import type { TracedVarsSnapshot } from '../executors/traced-vars.js';
import type { AttemptOutcome } from '../executors/types.js';
import type { TaskStatus } from '../report/status.js';
import type { AttemptRecord, ErrorData, LogWriteError, TaskReportEntry } from '../report/types.js';

/** How a task's part of a run ended, as its report entry records it. */
export type EntryEnding =
  /** It never started (the run was aborted first). */
  | { readonly status: typeof TaskStatus.PENDING }
  /** A task upstream of it did not succeed. */
  | { readonly status: typeof TaskStatus.SKIPPED; readonly because: string }
  /** It failed without an attempt of its own to show (the run was aborted under it, or the engine failed). */
  | { readonly status: typeof TaskStatus.ERRORED; readonly error: ErrorData }
  /** Its last attempt ended with `outcome`. */
  | {
      readonly status: typeof TaskStatus.SUCCESS | typeof TaskStatus.ERRORED;
      readonly attempts: number;
      /** When the first attempt started (epoch ms). */
      readonly firstStart: number;
      readonly outcome: AttemptOutcome;
      /** Every attempt, the last (`outcome`) included. */
      readonly history: readonly AttemptRecord[];
      readonly error?: ErrorData;
      /** Lines of the task that did not reach its log file. */
      readonly logWriteError?: LogWriteError | undefined;
    };

/** The one place a report entry is built: every entry of a run comes from here. */
export function buildEntry(task: Task, ending: EntryEnding): TaskReportEntry {
  const base = { name: task.name, function: task.functionName, args: task.args, kwargs: task.kwargs };
  if (!('outcome' in ending)) {
    return {
      ...base,
      status: ending.status,
      elapsedMs: 0,
      attempts: 0,
      ...('because' in ending ? { skippedBecause: ending.because } : {}),
      ...('error' in ending ? { error: ending.error } : {}),
    };
  }
  const { outcome, firstStart } = ending;
  const threadId = threadIdOf(outcome.workerId);
  return {
    ...base,
    status: ending.status,
    elapsedMs: outcome.finishedAt - firstStart,
    attempts: ending.attempts,
    startedAt: new Date(firstStart),
    finishedAt: new Date(outcome.finishedAt),
    workerId: outcome.workerId,
    ...(threadId === undefined ? {} : { threadId }),
    attemptHistory: ending.history,
    ...(outcome.ok ? { result: outcome.value } : ending.error ? { error: ending.error } : {}),
    ...(ending.logWriteError ? { logWriteError: ending.logWriteError } : {}),
  };
}

/** What the report keeps of one attempt's outcome. */
export function attemptRecord(attempt: number, outcome: AttemptOutcome): AttemptRecord {
  const endedBy = outcome.ok ? undefined : outcome.error.props?.['endedBy'];
  return {
    attempt,
    workerId: outcome.workerId,
    startedAt: new Date(outcome.startedAt),
    finishedAt: new Date(outcome.finishedAt),
    ok: outcome.ok,
    ...(outcome.ok ? {} : { errorName: outcome.error.name }),
    ...(typeof endedBy === 'string' ? { endedBy } : {}),
  };
}

/** The thread id the built-in executors' worker ids name: 0 for `main`, N for `thread:N`. */
function threadIdOf(workerId: string): number | undefined {
  if (workerId === 'main') return 0;
  const match = /^thread:(\d+)$/.exec(workerId);
  return match ? Number(match[1]) : undefined;
}

/** The error data of a failed task. */
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
