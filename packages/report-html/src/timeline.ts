import type { ProcessExecutionReport, TaskReportEntry, TaskStatus } from 'processes-core';

/** One row of the timeline. */
export interface TimelineRow {
  readonly name: string;
  readonly status: TaskStatus;
  /**
   * Where the task's row starts, in percent of the run (0–100): where it was
   * handed to its executor (or, without that time, where it started);
   * undefined when the task did not run.
   */
  readonly offsetPct?: number;
  /**
   * The width of the wait before the bar, in percent of the run: from being
   * handed to its executor to its first attempt's start (waiting for a free
   * thread, a thread starting, the module loading). 0 when there was none.
   */
  readonly waitPct?: number;
  /** That wait in milliseconds. */
  readonly waitMs?: number;
  /** The bar's width in percent of the run; at least `MIN_BAR_PCT` (0.5) so a 0 ms task shows. */
  readonly widthPct?: number;
  /** From the run's start to the task's start. */
  readonly startMs?: number;
  /** The task's `elapsedMs` (sub-millisecond), for labels; the bar is placed by its dates. */
  readonly durationMs?: number;
}

/** The whole timeline: rows in the report's order, on one scale. */
export interface Timeline {
  /** The run's length: the scale's 100%. */
  readonly spanMs: number;
  readonly rows: readonly TimelineRow[];
}

/** The narrowest bar, in percent, so an instant task is still a visible mark. */
export const MIN_BAR_PCT = 0.5;

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * A date's time, or undefined when it is absent or not a valid Date: a
 * hand-built report's `new Date(NaN)` is no time, not a `NaN%` bar.
 */
export function timeOf(date: Date | undefined): number | undefined {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Where a task's row begins: when it was queued, else when it started. */
const beginOf = (entry: TaskReportEntry): number | undefined => timeOf(entry.queuedAt) ?? timeOf(entry.startedAt);

/** The run's time axis: where 0 is, and how long 100% is. */
export interface TimelineScale {
  readonly originMs: number;
  readonly spanMs: number;
}

/**
 * Places each task on the run's time axis: from the report's start (or the
 * earliest task start) to its end (or the latest task end). A task's row
 * shows its wait (queued to started) before its bar (started to finished):
 * in a short run most of the time may be threads starting, and without the
 * wait the bars would be slivers that do not add up to the run. Undefined
 * when no entry has both a start and an end time (a report built by hand
 * without them), as there is nothing to draw.
 */
export function buildTimeline(
  report: ProcessExecutionReport,
  entries: readonly TaskReportEntry[],
): Timeline | undefined {
  const scale = timelineScale(report);
  if (!scale) return undefined;
  return { spanMs: scale.spanMs, rows: entries.map((entry) => timelineRow(entry, scale)) };
}

/** The axis every row is placed on, from all of the report's tasks; undefined when none has times. */
export function timelineScale(report: ProcessExecutionReport): TimelineScale | undefined {
  // A loop, not Math.min(...starts): spreading some 120,000 tasks into a call overflows the stack.
  let origin = timeOf(report.startedAt) ?? Number.POSITIVE_INFINITY;
  let end = timeOf(report.finishedAt) ?? Number.NEGATIVE_INFINITY;
  let timed = false;
  for (const entry of report.entries.values()) {
    const begin = beginOf(entry);
    const finished = timeOf(entry.finishedAt);
    if (begin === undefined || finished === undefined) continue;
    timed = true;
    origin = Math.min(origin, begin);
    end = Math.max(end, finished);
  }
  if (!timed) return undefined;
  // A run that took under a millisecond still needs a scale to divide by.
  return { originMs: origin, spanMs: Math.max(end - origin, 1) };
}

/** One task's row on the axis. */
export function timelineRow(entry: TaskReportEntry, { originMs: origin, spanMs }: TimelineScale): TimelineRow {
  const begin = beginOf(entry);
  const finished = timeOf(entry.finishedAt);
  if (begin === undefined || finished === undefined) return { name: entry.name, status: entry.status };
  // A task cancelled while running has no start of its own: its bar runs from its queueing to the abort.
  const started = timeOf(entry.startedAt) ?? begin;
  const waitMs = Math.max(started - begin, 0);
  const startMs = started - origin;
  const spannedMs = Math.max(finished - started, 0);
  const widthPct = Math.min(Math.max((spannedMs / spanMs) * 100, MIN_BAR_PCT), 100);
  const waitPct = Math.min((waitMs / spanMs) * 100, 100 - widthPct);
  // Dates hold whole milliseconds; the entry's own measure is finer, so the label uses it.
  const durationMs = Number.isFinite(entry.elapsedMs) && entry.elapsedMs >= 0 ? entry.elapsedMs : spannedMs;
  // Keep the row inside the track: a minimum-width bar at the very end moves left.
  const offsetPct = Math.min(((begin - origin) / spanMs) * 100, 100 - widthPct - waitPct);
  return {
    name: entry.name,
    status: entry.status,
    offsetPct: round2(Math.max(offsetPct, 0)),
    waitPct: round2(waitPct),
    widthPct: round2(widthPct),
    startMs,
    waitMs,
    durationMs,
  };
}
