import type { ProcessExecutionReport, TaskReportEntry, TaskStatus } from 'processes-core';

/** One row of the timeline. */
export interface TimelineRow {
  readonly name: string;
  readonly status: TaskStatus;
  /** Where the bar starts, in percent of the run (0–100); undefined when the task did not run. */
  readonly offsetPct?: number;
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
 * Places each task on the run's time axis: from the report's start (or the
 * earliest task start) to its end (or the latest task end). Undefined when
 * no entry has both a start and an end time (a report built by hand without
 * them), as there is nothing to draw.
 */
export function buildTimeline(
  report: ProcessExecutionReport,
  entries: readonly TaskReportEntry[],
): Timeline | undefined {
  const timed = [...report.entries.values()].filter((entry) => entry.startedAt && entry.finishedAt);
  if (timed.length === 0) return undefined;
  const starts = timed.map((entry) => entry.startedAt?.getTime() ?? 0);
  const ends = timed.map((entry) => entry.finishedAt?.getTime() ?? 0);
  const origin = Math.min(report.startedAt?.getTime() ?? Number.POSITIVE_INFINITY, ...starts);
  const end = Math.max(report.finishedAt?.getTime() ?? Number.NEGATIVE_INFINITY, ...ends);
  // A run that took under a millisecond still needs a scale to divide by.
  const spanMs = Math.max(end - origin, 1);
  const rows = entries.map((entry): TimelineRow => {
    const { startedAt, finishedAt } = entry;
    if (!startedAt || !finishedAt) return { name: entry.name, status: entry.status };
    const startMs = startedAt.getTime() - origin;
    const spannedMs = Math.max(finishedAt.getTime() - startedAt.getTime(), 0);
    const widthPct = Math.max((spannedMs / spanMs) * 100, MIN_BAR_PCT);
    // Dates hold whole milliseconds; the entry's own measure is finer, so the label uses it.
    const durationMs = Number.isFinite(entry.elapsedMs) && entry.elapsedMs >= 0 ? entry.elapsedMs : spannedMs;
    // Keep the bar inside the track: a minimum-width bar at the very end moves left.
    const offsetPct = Math.min((startMs / spanMs) * 100, 100 - widthPct);
    return {
      name: entry.name,
      status: entry.status,
      offsetPct: round2(Math.max(offsetPct, 0)),
      widthPct: round2(Math.min(widthPct, 100)),
      startMs,
      durationMs,
    };
  });
  return { spanMs, rows };
}
