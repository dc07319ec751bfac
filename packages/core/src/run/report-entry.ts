import type { Task } from '../definition/task.js';
import { formatTraceback, type SerializedError } from '../errors/serialize-error.js';
import type { TracedVarsSnapshot } from '../executors/traced-vars.js';
import type { AttemptOutcome } from '../executors/types.js';
import type { TaskStatus } from '../report/status.js';
import type {
  AttemptRecord,
  ErrorData,
  LogWriteError,
  NotRetried,
  ReuseInfo,
  RunReason,
  TaskFingerprint,
  TaskReportEntry,
} from '../report/types.js';

/** How a task's part of a run ended, as its report entry records it. */
export type EntryEnding =
  /** Not finished yet when a checkpoint of the run was written (`run({ checkpoint })`). */
  | { readonly status: typeof TaskStatus.PENDING }
  /** A task upstream of it did not succeed. */
  | { readonly status: typeof TaskStatus.SKIPPED; readonly because: string }
  /** It did not run: its result was reused from an earlier run (a report or the cache). */
  | { readonly status: typeof TaskStatus.SUCCESS; readonly reused: ReuseInfo; readonly result: unknown }
  /** The engine failed under it (or the cache refused its input): no attempt of its own to show. */
  | { readonly status: typeof TaskStatus.ERRORED; readonly error: ErrorData }
  /**
   * The run was aborted: before it started (no `progress`), or while an
   * attempt ran (`error` is the abort; `progress` what it got through).
   */
  | {
      readonly status: typeof TaskStatus.CANCELLED;
      readonly error?: ErrorData;
      readonly progress?: AttemptProgress;
      /** When the run was aborted (epoch ms). */
      readonly at?: number;
    }
  /** Its last attempt ended with `outcome`. */
  | {
      readonly status: typeof TaskStatus.SUCCESS | typeof TaskStatus.ERRORED;
      readonly attempts: number;
      /** When the first attempt started (epoch ms). */
      readonly firstStart: number;
      /** When the scheduler handed the task to its executor (epoch ms). */
      readonly queuedAt: number;
      readonly outcome: AttemptOutcome;
      /** Every attempt, the last (`outcome`) included. */
      readonly history: readonly AttemptRecord[];
      readonly error?: ErrorData;
      readonly notRetried?: NotRetried | undefined;
      /** Lines of the task that did not reach its log file. */
      readonly logWriteError?: LogWriteError | undefined;
    };

/**
 * How far a task got, updated by the task runner as it goes, so the
 * scheduler can say so when the run is aborted under it.
 */
export interface AttemptProgress {
  /** When the scheduler handed the task to its executor (epoch ms). */
  readonly queuedAt: number;
  /** The attempt under way (1-based). */
  attempt: number;
  /** When the first attempt started, once an attempt has ended. */
  firstStart: number | undefined;
}

/** The one place a report entry is built: every entry of a run comes from here. */
export function buildEntry(task: Task, ending: EntryEnding): TaskReportEntry {
  const base = { name: task.name, function: task.functionName, args: task.args, kwargs: task.kwargs };
  if (ending.status === 'cancelled') {
    const { progress, at } = ending;
    const from = progress?.firstStart ?? progress?.queuedAt;
    return {
      ...base,
      status: ending.status,
      elapsedMs: from === undefined || at === undefined ? 0 : at - from,
      attempts: progress?.attempt ?? 0,
      ...(progress ? { queuedAt: new Date(progress.queuedAt) } : {}),
      ...(progress?.firstStart === undefined ? {} : { startedAt: new Date(progress.firstStart) }),
      ...(progress && at !== undefined ? { finishedAt: new Date(at) } : {}),
      ...(ending.error ? { error: ending.error } : {}),
    };
  }
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
  // Built field by field, in the order the spreads used to give: one per task of every run.
  const entry: { -readonly [K in keyof TaskReportEntry]: TaskReportEntry[K] } = {
    name: task.name,
    function: task.functionName,
    args: task.args,
    kwargs: task.kwargs,
    status: ending.status,
    elapsedMs: outcome.finishedAt - firstStart,
    attempts: ending.attempts,
    // A custom executor's clock may run ahead of ours: the wait is never negative.
    queuedAt: new Date(Math.min(ending.queuedAt, firstStart)),
    startedAt: new Date(firstStart),
    finishedAt: new Date(outcome.finishedAt),
    workerId: outcome.workerId,
    attemptHistory: ending.history,
  };
  if (threadId !== undefined) entry.threadId = threadId;
  if (outcome.ok) entry.result = outcome.value;
  else if (ending.error) entry.error = ending.error;
  if (ending.notRetried) entry.notRetried = ending.notRetried;
  if (ending.logWriteError) entry.logWriteError = ending.logWriteError;
  return entry;
}

/** What the report keeps of one attempt's outcome. */
export function attemptRecord(attempt: number, outcome: AttemptOutcome): AttemptRecord {
  // Field by field, not spread: one per attempt of every run.
  const record: { -readonly [K in keyof AttemptRecord]: AttemptRecord[K] } = {
    attempt,
    workerId: outcome.workerId,
    startedAt: new Date(outcome.startedAt),
    finishedAt: new Date(outcome.finishedAt),
    ok: outcome.ok,
  };
  if (!outcome.ok) {
    record.errorName = outcome.error.name;
    const endedBy = outcome.error.props?.['endedBy'];
    if (typeof endedBy === 'string') record.endedBy = endedBy;
  }
  return record;
}

/** What an incremental run adds to an entry (see incremental/). */
export interface EntryNotes {
  readonly fingerprint: TaskFingerprint;
  readonly ranBecause?: RunReason | undefined;
  readonly cacheKey?: string | undefined;
}

/** The entry with its fingerprint, and why it ran or the key it was cached under when there is one. */
export function annotateEntry(entry: TaskReportEntry, notes: EntryNotes): TaskReportEntry {
  // The entries the scheduler records are its own, built for this run: annotated in place rather than
  // copied (one per task of every run), in the order a spread would give.
  const annotated = (Object.isFrozen(entry) ? { ...entry } : entry) as {
    -readonly [K in keyof TaskReportEntry]: TaskReportEntry[K];
  };
  annotated.fingerprint = notes.fingerprint;
  if (notes.ranBecause && !entry.reused && entry.attempts > 0) annotated.ranBecause = notes.ranBecause;
  if (notes.cacheKey) annotated.cacheKey = notes.cacheKey;
  return annotated;
}

/** The thread id the built-in executors' worker ids name: 0 for `main`, N for `thread:N`. */
function threadIdOf(workerId: string): number | undefined {
  if (workerId === 'main') return 0;
  let id = threadIds.get(workerId);
  if (id === undefined && !threadIds.has(workerId)) {
    const match = /^thread:(\d+)$/.exec(workerId);
    id = match ? Number(match[1]) : undefined;
    if (threadIds.size > 10_000) threadIds.clear();
    threadIds.set(workerId, id);
  }
  return id;
}

const threadIds = new Map<string, number | undefined>();

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
