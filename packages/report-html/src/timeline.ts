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

/** Where a task's row begins: when it was queued, else when it started. */
const beginOf = (entry: TaskReportEntry): Date | undefined => entry.queuedAt ?? entry.startedAt;

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
  // A loop, not Math.min(...starts): spreading some 120,000 tasks into a call overflows the stack.
  let origin = report.startedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  let end = report.finishedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  let timed = false;
  for (const entry of report.entries.values()) {
    const begin = beginOf(entry);
    if (!begin || !entry.finishedAt) continue;
    timed = true;
    origin = Math.min(origin, begin.getTime());
    end = Math.max(end, entry.finishedAt.getTime());
  }
  if (!timed) return undefined;
  // A run that took under a millisecond still needs a scale to divide by.
  const spanMs = Math.max(end - origin, 1);
  const rows = entries.map((entry): TimelineRow => {
    const { finishedAt } = entry;
    const begin = beginOf(entry);
    if (!begin || !finishedAt) return { name: entry.name, status: entry.status };
    // A task cancelled while running has no start of its own: its bar runs from its queueing to the abort.
    const startedAt = entry.startedAt ?? begin;
    const waitMs = Math.max(startedAt.getTime() - begin.getTime(), 0);
    const startMs = startedAt.getTime() - origin;
    const spannedMs = Math.max(finishedAt.getTime() - startedAt.getTime(), 0);
    const widthPct = Math.min(Math.max((spannedMs / spanMs) * 100, MIN_BAR_PCT), 100);
    const waitPct = Math.min((waitMs / spanMs) * 100, 100 - widthPct);
    // Dates hold whole milliseconds; the entry's own measure is finer, so the label uses it.
    const durationMs = Number.isFinite(entry.elapsedMs) && entry.elapsedMs >= 0 ? entry.elapsedMs : spannedMs;
    // Keep the row inside the track: a minimum-width bar at the very end moves left.
    const offsetPct = Math.min(((begin.getTime() - origin) / spanMs) * 100, 100 - widthPct - waitPct);
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
  });
  return { spanMs, rows };
}
