import type { ExecutionReport, TaskReportEntry } from '../report/types.js';

/**
 * The scheduler's one seam for incremental runs (resume, cache,
 * checkpoints). It sits before a task is dispatched and after an entry is
 * recorded; the scheduler knows nothing else about them.
 */
export interface IncrementalHooks {
  /**
   * Called when task `index` is ready, with its final arguments. Undefined:
   * run it as usual. Otherwise the entry it ends with: reused (without
   * running), or from `run()` (the usual run) after which its result is stored.
   */
  intercept(
    index: number,
    args: readonly unknown[],
    run: () => Promise<TaskReportEntry>,
  ): Promise<TaskReportEntry> | undefined;
  /** The entry as the report keeps it (with its fingerprint, why it ran, its cache key). */
  annotate(index: number, entry: TaskReportEntry): TaskReportEntry;
  /** Called after each entry is recorded; `snapshot` builds the report so far. */
  settled(snapshot: () => ExecutionReport): void;
}
