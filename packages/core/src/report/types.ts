// The report's types in one module that the report's parts import: entries
// and error data, the report's interface, the channel contract, notify's
// options and outcomes, and the JSON document. Only report.ts, the class,
// imports notify.ts and report-json.ts; nothing here imports a report module
// that has code, so there is no cycle among them.

import type { SerializedError } from '../errors/serialize-error.js';
import type { JsonValue } from '../logging/json-safe.js';
import type { Redaction } from '../logging/redaction.js';
import type { NotifyOptions } from '../options/notify-options.js';
import type { TriggerRule } from '../options/trigger-rule.js';
import type { TaskStatus } from './status.js';

/** Why a task errored, with everything needed to understand it later. Wire names in `toJSON()`. */
export interface ErrorData {
  readonly taskName: string;
  /** The task function's name (`<anonymous>` for unnamed functions). */
  readonly function: string;
  /** The task's own `args`, not including injected results. */
  readonly args: readonly unknown[];
  /** The task's own `kwargs`, not including injected results. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /**
   * Every task this failure skipped, directly or not, breadth-first: the
   * transitive dependants, except those whose `runIf` rule lets them run
   * after a failure (`allDone`, `anyFailed`, …) and what follows them.
   */
  readonly downstreamImpact: readonly string[];
  /** The error message (`str(exc)` in the Python library). */
  readonly exception: string;
  /** The error's name (`TypeError`, `TaskTimeoutError`, `NonError` for a thrown non-Error). */
  readonly errorName: string;
  /** The stack, followed by each cause as `Caused by: …`. */
  readonly traceback: string;
  /** Local variables at the throw site, `{ name: rendered value }`; empty when not captured. */
  readonly tracedVars: Readonly<Record<string, string>>;
  /** `file:line` of the frame the traced variables come from; empty when not captured. */
  readonly tracedVarsLocation: string;
  /** The thrown value as structured data: code, cause chain, class names, own properties. */
  readonly thrown: SerializedError;
}

/** One attempt of a task: where it ran and how it ended. */
export interface AttemptRecord {
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Where it ran, as its executor names it (`main`, `thread:3`, `host:pid:thread`, …). */
  readonly workerId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Whether it succeeded. */
  readonly ok: boolean;
  /** The name of the error it failed with (`TaskTimeoutError`, …). */
  readonly errorName?: string;
  /** For a timeout: how the attempt was ended (`terminated`, `signal`, `worker-lost`, …). */
  readonly endedBy?: string;
}

/** One task's outcome in a run. */
export interface TaskReportEntry {
  readonly name: string;
  readonly function: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly status: TaskStatus;
  /** From the start of the first attempt to the end of the last (0 when the task did not run). */
  readonly elapsedMs: number;
  /** Attempts made (0 when the task did not run). */
  readonly attempts: number;
  /** The return value, when the task succeeded. */
  readonly result?: unknown;
  /** Why it failed, when it errored. */
  readonly error?: ErrorData;
  /**
   * When the scheduler handed the task to its executor (all its dependencies
   * done). From here to `startedAt` the task waited: for a free worker thread,
   * for a thread to start, for its module to load.
   */
  readonly queuedAt?: Date;
  /** When the first attempt started. */
  readonly startedAt?: Date;
  /** When the last attempt ended. */
  readonly finishedAt?: Date;
  /** For a skipped task: the errored task upstream that caused the skip. */
  readonly skippedBecause?: string;
  /**
   * Set when the task had retries left but its failure was not retried
   * because `retryOn` did not match it (or its predicate said no or threw).
   */
  readonly notRetried?: NotRetried;
  /**
   * Where the last attempt ran, as its executor names it (`main`,
   * `thread:3`, `host:pid:thread`, …).
   */
  readonly workerId?: string;
  /** The worker thread id the last attempt ran on (0 = main thread), when it ran on a thread of this process. */
  readonly threadId?: number;
  /** Every attempt, first to last: where each ran and how it ended (absent when the task did not run, and in version-1 documents). */
  readonly attemptHistory?: readonly AttemptRecord[];
  /**
   * Set when lines of this task could not be written to its log file (a
   * full disk, an I/O error): the task still ran, and the lines are lost.
   */
  readonly logWriteError?: LogWriteError;
  /** For a skipped task: its trigger rule and the dependencies whose ending made it skip. */
  readonly skip?: SkipCause;
  /** The task's trigger rule, when it is not the default `allSuccess`. */
  readonly runIf?: TriggerRule;
  /** The concurrency pool the task took slots of, and how many. */
  readonly pool?: { readonly name: string; readonly slots: number };
  /** For a mapped task: what it mapped over and which items failed. */
  readonly map?: MapSummary;
  /** For a mapped task that expanded: one entry per item (per batch with `mapBatchSize`), in item order. */
  readonly items?: readonly TaskReportEntry[];
  /** For an item entry of a mapped task (`parse[3]`): its mapped task and its index in the array. */
  readonly mapItem?: MapItemRef;
  /** For a task with `retryOnOom`: each attempt's heap limit and the peak heap it used. */
  readonly heap?: readonly AttemptHeap[];
  /** What the task's definition hashed to in this run (docs/incremental.md); absent in reports of older releases. */
  readonly fingerprint?: TaskFingerprint;
  /** Set when the task did not run in this run: its result was reused from an earlier run. */
  readonly reused?: ReuseInfo;
  /**
   * Why the task ran, in a run with `resumeFrom` or `cache` where it could
   * have been reused (`code-changed`, `upstream-ran`, `cache-miss`, …).
   */
  readonly ranBecause?: RunReason;
  /** The cache key the task's result was looked up and stored under, for a cached task. */
  readonly cacheKey?: string;
}

/** Why a task was skipped, by its trigger rule. */
export interface SkipCause {
  readonly rule: TriggerRule;
  /** The dependencies whose ending refuted the rule, in dependency order. */
  readonly upstream: readonly string[];
}

/** A mapped task's summary: `failedIndices` is what `allowPartial` passes on as holes. */
export interface MapSummary {
  /** The dependency whose result (an array) was mapped over. */
  readonly source: string;
  /** How many items the array had. */
  readonly items: number;
  /** How many items failed. */
  readonly failed: number;
  /** The failed items' indices, ascending. */
  readonly failedIndices: readonly number[];
  /** Items per attempt, when above 1. */
  readonly batchSize?: number;
}

/** Identifies an item entry of a mapped task, for resuming only the items that failed. */
export interface MapItemRef {
  readonly parent: string;
  /** The item's index (the first item's, for a batch). */
  readonly index: number;
  /** How many items the entry covers, when it is a batch of more than one. */
  readonly count?: number;
}

/** One attempt's heap, for tasks with `retryOnOom`. */
export interface AttemptHeap {
  readonly attempt: number;
  /** `resourceLimits.maxOldGenerationSizeMb` of the attempt's thread; null: the pool's own limit. */
  readonly limitMb: number | null;
  /** The most heap the attempt's thread used, in MB, when known (a thread that ran out reports its limit). */
  readonly peakUsedMb: number | null;
}

/**
 * A task's definition, hashed: what `run({ resumeFrom })` compares to tell
 * whether a task changed since the report. Each part is a sha256 (hex).
 */
export interface TaskFingerprint {
  /** The worker module file's contents and export name, or the main-thread function's source; null when unreadable. */
  readonly code: string | null;
  /** The task's own args; null when they cannot be hashed (then it is never reused from a report). */
  readonly args: string | null;
  /** The task's own kwargs; null when they cannot be hashed. */
  readonly kwargs: string | null;
  /** Which tasks it depends on and how their results are injected. */
  readonly dependencies: string;
}

/** Where a reused result came from. */
export interface ReuseInfo {
  /** `resume`: the report given as `resumeFrom`; `cache`: the result cache. */
  readonly source: 'resume' | 'cache';
  /** The id of the run that computed the result (null when the report does not say). */
  readonly fromRun: string | null;
}

/** Why a task ran although the run could have reused it. */
export type RunReason =
  /** The report to resume from has no entry for it. */
  | 'not-in-report'
  /** It did not succeed in the report (errored, skipped, pending, cancelled). */
  | 'failed-before'
  /** The report's entry has no fingerprint (written by an older release). */
  | 'no-fingerprint'
  /** Its worker module file or function source changed. */
  | 'code-changed'
  | 'args-changed'
  | 'kwargs-changed'
  /** Its dependencies, or how their results are injected, changed. */
  | 'dependencies-changed'
  /** Its args or kwargs cannot be hashed, so they cannot be shown unchanged. */
  | 'unhashable-input'
  /** A task it depends on runs again. */
  | 'upstream-ran'
  /** A cached task: no entry under its key. */
  | 'cache-miss'
  /** A cached task: the entry under its key was older than `maxAgeMs`. */
  | 'cache-expired'
  /** A cached task: the entry under its key was corrupt (a `PROC_CACHE_ENTRY_CORRUPT` warning says how). */
  | 'cache-corrupt';
/** Why a failure with retries left was not retried. */
export interface NotRetried {
  /**
   * `retry-on-no-match`: the error matched none of the classes or codes in
   * `retryOn` (or, without `retryOn`, is not a timeout or network error);
   * `retry-on-rejected`: the `retryOn` predicate returned false;
   * `retry-on-threw`: the predicate threw.
   */
  readonly reason: NotRetriedReason;
  /** The same in a sentence, naming the error and what `retryOn` accepts. */
  readonly message: string;
}

export type NotRetriedReason = 'retry-on-no-match' | 'retry-on-rejected' | 'retry-on-threw';

/** Why a task's log lines did not reach its log file. */
export interface LogWriteError {
  /** The log file's absolute path. */
  readonly path: string;
  /** The system error code of the first failed write (`ENOSPC`, `EIO`, …). */
  readonly code: string;
  /** Its message. */
  readonly message: string;
  /** How many lines were not written. */
  readonly lostLines: number;
}

/** What a report is built from. */
export interface ReportInit {
  readonly processName?: string;
  /** The id of the run the report describes (the `runId` of its events). */
  readonly runId?: string;
  /** In topological order. */
  readonly entries: Iterable<TaskReportEntry>;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  /** @internal Names whose values `toJSON()` writes as `[redacted]` in args and kwargs (the Process sets it). */
  readonly redaction?: Redaction;
}

/**
 * A finished run's report, as everything but the report class sees it:
 * channels, notify, the JSON writer, `RunAbortedError` and run events.
 * `ProcessExecutionReport` is its one implementation and has exactly
 * these members, so the two are the same type; the interface exists so that
 * those modules need not import the class (which imports them).
 */
export interface ExecutionReport {
  readonly processName: string;
  /** The id of the run (the `runId` of its events); undefined for reports of older releases. */
  readonly runId: string | undefined;
  /** One entry per task, in topological order. */
  readonly entries: ReadonlyMap<string, TaskReportEntry>;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** @internal Which names are redacted when the report is written out. */
  readonly redaction: Redaction;
  readonly successes: ReadonlyMap<string, TaskReportEntry>;
  readonly errored: ReadonlyMap<string, TaskReportEntry>;
  readonly skipped: ReadonlyMap<string, TaskReportEntry>;
  /** Tasks stopped by aborting the run: those running then, and those not started yet. */
  readonly cancelled: ReadonlyMap<string, TaskReportEntry>;
  /** Tasks a version-1 document reported as not started because the run was aborted; empty for newer reports. */
  readonly pending: ReadonlyMap<string, TaskReportEntry>;
  /** True when every task succeeded. */
  readonly ok: boolean;
  /** Wall-clock time of the whole run, when known. */
  readonly elapsedMs: number | undefined;
  /** A report with only the named tasks (matched ignoring case), in the same order. */
  pick(taskNames: Iterable<string>): ExecutionReport;
  /** Sends the report through each channel in turn; never rejects. */
  notify(channels: ReportChannel | readonly ReportChannel[], options?: NotifyOptions): Promise<NotifyOutcome[]>;
  /** The versioned JSON document. */
  toJSON(): ReportDocument;
}

/** What a channel is told besides the report. */
export interface SendOptions {
  /** Send only the errored entries (summary counts still describe the whole report). */
  readonly onlyErrors: boolean;
  /** Aborted when the caller gives up; a channel should stop its I/O. */
  readonly signal?: AbortSignal;
}

/**
 * Somewhere a finished report can be delivered (email, webhook, your own).
 * Implement `send`; `verify` and `close` are optional, as nodemailer treats
 * its transports' optional methods.
 */
export interface ReportChannel {
  /** Shown in outcomes and warnings, e.g. `EmailChannel`. */
  readonly name: string;
  /**
   * Delivers the report, or throws/rejects saying why not. Whatever it
   * resolves to (delivery details such as attempts or a message id) is kept
   * as the outcome's `receipt`.
   */
  send(report: ExecutionReport, options: SendOptions): unknown;
  /** Checks the destination is reachable and accepts us, without sending. */
  verify?(): Promise<unknown>;
  /** Releases connections or other resources. */
  close?(): Promise<void> | void;
}

/** Options of `report.notify()` (their schema and defaults live with the other options). */
export type { NotifyOptions };

/** What happened at one channel. */
export type NotifyOutcome =
  | {
      readonly channel: string;
      readonly ok: true;
      /** False when nothing was sent because `onlyErrors` found no errors. */
      readonly sent: boolean;
      /** What the channel's `send` resolved to (delivery details), if anything. */
      readonly receipt?: unknown;
    }
  | { readonly channel: string; readonly ok: false; readonly error: Error };

/** `report.toJSON()`: field names follow the Python library's wire format (docs/report-schema.md). */
export interface ReportDocument {
  /** `REPORT_SCHEMA_VERSION`: the version of the document's shape. */
  schema_version: 2;
  process_name: string;
  /** The run's id (v2; null when unknown). */
  run_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  elapsed_seconds: number | null;
  /** `pending` is always 0 since version 2 (such tasks are `cancelled`); kept for readers of version 1. */
  summary: { success: number; errored: number; skipped: number; cancelled: number; pending: number };
  /**
   * The task names in topological order. `entries` is an object, and
   * JavaScript orders integer-like keys ("1", "2") first, so readers take the
   * order from here.
   */
  order: string[];
  entries: Record<string, EntryDocument>;
}

export interface EntryDocument {
  name: string;
  function: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  status: TaskStatus;
  elapsed_seconds: number;
  /** The same duration in milliseconds, kept so a round trip is exact. */
  elapsed_ms: number;
  attempts: number;
  result: JsonValue;
  error: ErrorDocument | null;
  /** Since version 2: when the task was handed to its executor (absent in version 1). */
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  skipped_because: string | null;
  /** Since version 2: why a failure with retries left was not retried. */
  not_retried: { reason: NotRetriedReason; message: string } | null;
  thread_id: number | null;
  /** Where the last attempt ran, as its executor names it (version 2). */
  worker_id?: string | null;
  /** Every attempt, first to last (version 2; empty when the task did not run). */
  attempt_history?: AttemptDocument[];
  /** Set when lines of this task could not be written to its log file (the task still ran). */
  log_write_error: LogWriteErrorDocument | null;
  /** v2. A skipped task: its trigger rule and the dependencies whose ending refuted it. */
  skip?: { rule: TriggerRule; upstream: string[] };
  /** v2. The task's trigger rule, when not `allSuccess`. */
  run_if?: TriggerRule;
  /** v2. The concurrency pool the task took slots of. */
  pool?: { name: string; slots: number };
  /** v2. A mapped task's summary. */
  map?: { source: string; items: number; failed: number; failed_indices: number[]; batch_size?: number };
  /** v2. A mapped task's item entries, in item order. */
  items?: EntryDocument[];
  /** v2. An item entry: its mapped task and index (the first, for a batch of `count`). */
  map_item?: { parent: string; index: number; count?: number };
  /** v2. Each attempt's heap limit and peak heap used (MB), for tasks with `retryOnOom`. */
  heap?: { attempt: number; limit_mb: number | null; peak_used_mb: number | null }[];
  /**
   * How `result` is carried (v2): `json` (it is exact), `v8` (`result_v8`
   * holds it exactly, as node:v8 serialisation in base64; `result` is a
   * readable copy), `lossy` (neither could hold it: it cannot be resumed).
   * Null when the task did not succeed.
   */
  result_encoding: 'json' | 'v8' | 'lossy' | null;
  result_v8: string | null;
  /** The task's definition hashed (v2), or null. */
  fingerprint: FingerprintDocument | null;
  /** Set when the result was reused rather than computed in this run (v2). */
  reused: { source: 'resume' | 'cache'; from_run: string | null } | null;
  /** Why the task ran although it could have been reused (v2), or null. */
  ran_because: RunReason | null;
  /** The cache key of a cached task (v2), or null. */
  cache_key: string | null;
}

/** `fingerprint`: sha256 hex of each part of a task's definition. */
export interface FingerprintDocument {
  code: string | null;
  args: string | null;
  kwargs: string | null;
  dependencies: string;
}

/** One element of `attempt_history`. */
export interface AttemptDocument {
  attempt: number;
  worker_id: string;
  started_at: string;
  finished_at: string;
  ok: boolean;
  error_name: string | null;
  ended_by: string | null;
}

/** `log_write_error`: why lines of a task did not reach its log file. */
export interface LogWriteErrorDocument {
  /** The log file's absolute path. */
  path: string;
  /** The system error code of the first failed write (`ENOSPC`, `EIO`, …). */
  code: string;
  message: string;
  /** How many lines were not written. */
  lost_lines: number;
}

export interface ErrorDocument {
  task_name: string;
  function: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  downstream_impact: string[];
  exception: string;
  error_name: string;
  traceback_str: string;
  traced_vars: Record<string, string>;
  traced_vars_location: string;
  thrown: ThrownDocument;
}

export interface ThrownDocument {
  name: string;
  message: string;
  stack: string | null;
  code: string | null;
  class_chain: string[];
  cause: ThrownDocument | null;
  errors: ThrownDocument[] | null;
  props: Record<string, JsonValue> | null;
  non_error: boolean;
}
