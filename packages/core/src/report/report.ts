import { Redaction } from '../logging/redaction.js';
import { notifyChannels } from './notify.js';
import { reportFromJson, reportToJson } from './report-json.js';
import { TaskStatus } from './status.js';
import type {
  ExecutionReport,
  NotifyOptions,
  NotifyOutcome,
  ReportChannel,
  ReportDocument,
  ReportInit,
  TaskReportEntry,
} from './types.js';

/**
 * The outcome of a run: one entry per task, in topological order. Immutable.
 * `JSON.stringify(report)` writes the versioned wire document
 * (docs/report-schema.md); {@link ProcessExecutionReport.fromJSON} reads it back.
 */
export class ProcessExecutionReport implements ExecutionReport {
  readonly processName: string;
  readonly runId: string | undefined;
  readonly entries: ReadonlyMap<string, TaskReportEntry>;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
  /** @internal Which names are redacted when the report is written out. */
  readonly redaction: Redaction;

  constructor(init: ReportInit) {
    this.processName = init.processName ?? '';
    this.runId = init.runId;
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
    return withStatus(this.entries, TaskStatus.SUCCESS);
  }

  get errored(): ReadonlyMap<string, TaskReportEntry> {
    return withStatus(this.entries, TaskStatus.ERRORED);
  }

  get skipped(): ReadonlyMap<string, TaskReportEntry> {
    return withStatus(this.entries, TaskStatus.SKIPPED);
  }

  /** Tasks stopped by aborting the run: those running then, and those not started yet. */
  get cancelled(): ReadonlyMap<string, TaskReportEntry> {
    return withStatus(this.entries, TaskStatus.CANCELLED);
  }

  /** Tasks a version-1 document reported as not started because the run was aborted; empty for newer reports. */
  get pending(): ReadonlyMap<string, TaskReportEntry> {
    return withStatus(this.entries, TaskStatus.PENDING);
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
      ...(this.runId === undefined ? {} : { runId: this.runId }),
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

  /** The versioned JSON document (the Python library's wire names: `process_name`, `elapsed_seconds`, …). */
  toJSON(): ReportDocument {
    return reportToJson(this);
  }

  /** Reads a document written by `toJSON()` (an object or a JSON string). */
  static fromJSON(json: unknown): ProcessExecutionReport {
    return new ProcessExecutionReport(reportFromJson(json));
  }
}

// A function, not a #private method: a private member would make the class a
// different type from `ExecutionReport`, which channels and errors are typed with.
function withStatus(
  entries: ReadonlyMap<string, TaskReportEntry>,
  status: TaskStatus,
): ReadonlyMap<string, TaskReportEntry> {
  const out = new Map<string, TaskReportEntry>();
  for (const [name, entry] of entries) if (entry.status === status) out.set(name, entry);
  return out;
}
