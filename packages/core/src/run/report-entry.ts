import type { Task } from '../definition/task.js';
import { formatTraceback, type SerializedError } from '../errors/serialize-error.js';
import type { TracedVarsSnapshot } from '../executors/traced-vars.js';
import type { AttemptOutcome } from '../executors/types.js';
import type { TaskStatus } from '../report/status.js';
import type {
  ErrorData,
  LogWriteError,
  ReuseInfo,
  RunReason,
  TaskFingerprint,
  TaskReportEntry,
} from '../report/types.js';

/** How a task's part of a run ended, as its report entry records it. */
export type EntryEnding =
  /** It never started (the run was aborted first). */
  | { readonly status: typeof TaskStatus.PENDING }
  /** A task upstream of it did not succeed. */
  | { readonly status: typeof TaskStatus.SKIPPED; readonly because: string }
  /** It did not run: its result was reused from an earlier run (a report or the cache). */
  | { readonly status: typeof TaskStatus.SUCCESS; readonly reused: ReuseInfo; readonly result: unknown }
  /** It failed without an attempt of its own to show (the run was aborted under it, or the engine failed). */
  | { readonly status: typeof TaskStatus.ERRORED; readonly error: ErrorData }
  /** Its last attempt ended with `outcome`. */
  | {
      readonly status: typeof TaskStatus.SUCCESS | typeof TaskStatus.ERRORED;
      readonly attempts: number;
      /** When the first attempt started (epoch ms). */
      readonly firstStart: number;
      readonly outcome: AttemptOutcome;
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
      ...('reused' in ending ? { result: ending.result, reused: ending.reused } : {}),
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
    ...(outcome.ok ? { result: outcome.value } : ending.error ? { error: ending.error } : {}),
    ...(ending.logWriteError ? { logWriteError: ending.logWriteError } : {}),
  };
}

/** What an incremental run adds to an entry (see incremental/). */
export interface EntryNotes {
  readonly fingerprint: TaskFingerprint;
  readonly ranBecause?: RunReason | undefined;
  readonly cacheKey?: string | undefined;
}

/** The entry with its fingerprint, and why it ran or the key it was cached under when there is one. */
export function annotateEntry(entry: TaskReportEntry, notes: EntryNotes): TaskReportEntry {
  return {
    ...entry,
    fingerprint: notes.fingerprint,
    ...(notes.ranBecause && !entry.reused && entry.attempts > 0 ? { ranBecause: notes.ranBecause } : {}),
    ...(notes.cacheKey ? { cacheKey: notes.cacheKey } : {}),
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
