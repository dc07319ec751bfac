import type { SerializedError } from '../errors/serialize-error.js';
import { Redaction } from '../logging/redaction.js';
import type { ReportChannel } from './channel.js';
import { type NotifyOptions, type NotifyOutcome, notifyChannels } from './notify.js';
import { type ReportDocument, reportFromJson, reportToJson } from './report-json.js';
import { TaskStatus } from './status.js';

/** Why a task errored, with everything needed to understand it later. Wire names in `toJSON()`. */
export interface ErrorData {
  readonly taskName: string;
  /** The task function's name (`<anonymous>` for unnamed functions). */
  readonly function: string;
  /** The task's own `args`, not including injected results. */
  readonly args: readonly unknown[];
  /** The task's own `kwargs`, not including injected results. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Every task that depends on this one, directly or not, breadth-first: they were skipped. */
  readonly downstreamImpact: readonly string[];
  /** The error message (`str(exc)` in the seed). */
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
  /** When the first attempt started. */
  readonly startedAt?: Date;
  /** When the last attempt ended. */
  readonly finishedAt?: Date;
  /** For a skipped task: the errored task upstream that caused the skip. */
  readonly skippedBecause?: string;
  /**
   * Where the last attempt ran, as its executor names it (`main`,
   * `thread:3`, `host:pid:thread`, …).
   */
  readonly workerId?: string;
  /** The worker thread id the last attempt ran on (0 = main thread), when it ran on a thread of this process. */
  readonly threadId?: number;
  /**
   * Set when lines of this task could not be written to its log file (a
   * full disk, an I/O error): the task still ran, and the lines are lost.
   */
  readonly logWriteError?: LogWriteError;
}

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
  /** In topological order. */
  readonly entries: Iterable<TaskReportEntry>;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  /** Names whose values `toJSON()` writes as `[redacted]` in args and kwargs. @default the defaults */
  readonly redaction?: Redaction;
}

/**
 * The outcome of a run: one entry per task, in topological order. Immutable.
 * `JSON.stringify(report)` writes the versioned wire document
 * (docs/report-schema.md); {@link ProcessExecutionReport.fromJSON} reads it back.
 */
export class ProcessExecutionReport {
  readonly processName: string;
  readonly entries: ReadonlyMap<string, TaskReportEntry>;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** @internal Which names are redacted when the report is written out. */
  readonly redaction: Redaction;

  constructor(init: ReportInit) {
    this.processName = init.processName ?? '';
    const entries = new Map<string, TaskReportEntry>();
    // The engine hands over frozen entries; anything else is copied, so the report never shares mutable state.
    for (const entry of init.entries)
      entries.set(entry.name, Object.isFrozen(entry) ? entry : Object.freeze({ ...entry }));
    this.entries = entries;
    this.startedAt = init.startedAt;
    this.finishedAt = init.finishedAt;
    this.redaction = init.redaction ?? Redaction.DEFAULT;
    Object.freeze(this);
  }

  get successes(): ReadonlyMap<string, TaskReportEntry> {
    return this.#withStatus(TaskStatus.SUCCESS);
  }

  get errored(): ReadonlyMap<string, TaskReportEntry> {
    return this.#withStatus(TaskStatus.ERRORED);
  }

  get skipped(): ReadonlyMap<string, TaskReportEntry> {
    return this.#withStatus(TaskStatus.SKIPPED);
  }

  /** Tasks that never started because the run was aborted first. */
  get pending(): ReadonlyMap<string, TaskReportEntry> {
    return this.#withStatus(TaskStatus.PENDING);
  }

  /** True when every task succeeded. */
  get ok(): boolean {
    for (const entry of this.entries.values()) if (entry.status !== TaskStatus.SUCCESS) return false;
    return true;
  }

  /** Wall-clock time of the whole run, when known. */
  get elapsedMs(): number | undefined {
    return this.startedAt && this.finishedAt ? this.finishedAt.getTime() - this.startedAt.getTime() : undefined;
  }

  /**
   * A report with only the named tasks (matched ignoring case), in the same
   * order, under the same process name.
   */
  pick(taskNames: Iterable<string>): ProcessExecutionReport {
    const wanted = new Set([...taskNames].map((name) => name.toLowerCase()));
    return new ProcessExecutionReport({
      processName: this.processName,
      entries: [...this.entries.values()].filter((entry) => wanted.has(entry.name.toLowerCase())),
      ...(this.startedAt ? { startedAt: this.startedAt } : {}),
      ...(this.finishedAt ? { finishedAt: this.finishedAt } : {}),
      redaction: this.redaction,
    });
  }

  /**
   * Sends the report through each channel in turn. Never rejects: resolves to
   * one outcome per channel; a failed channel does not stop the others.
   */
  notify(channels: ReportChannel | readonly ReportChannel[], options?: NotifyOptions): Promise<NotifyOutcome[]> {
    return notifyChannels(this, Array.isArray(channels) ? channels : [channels as ReportChannel], options);
  }

  /** The versioned JSON document (seed wire names: `process_name`, `elapsed_seconds`, …). */
  toJSON(): ReportDocument {
    return reportToJson(this);
  }

  /** Reads a document written by `toJSON()` (an object or a JSON string). */
  static fromJSON(json: unknown): ProcessExecutionReport {
    return new ProcessExecutionReport(reportFromJson(json));
  }

  #withStatus(status: TaskStatus): ReadonlyMap<string, TaskReportEntry> {
    const out = new Map<string, TaskReportEntry>();
    for (const [name, entry] of this.entries) if (entry.status === status) out.set(name, entry);
    return out;
  }
}
