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
  /**
   * For mapped task `index`, once its items are known: its whole entry when
   * a resume reuses it, or the item entries that succeeded before (by index
   * of their first item) when only its failed items need to run again.
   * Mapped tasks are not looked up in the result cache.
   */
  mappedReuse(index: number): MappedReuse | undefined;
  /**
   * True when {@link intercept} would run task `index` as usual whatever
   * its arguments (no resume reuses it, it is not cached): the scheduler may
   * then run it fused into a chain on a worker thread, where nothing could
   * intercept it.
   */
  passesThrough(index: number): boolean;
  /**
   * The entry as the report keeps it (with its fingerprint, why it ran, its
   * cache key). It may write onto `entry`, which the scheduler freezes after.
   */
  annotate(index: number, entry: TaskReportEntry): TaskReportEntry;
  /** Called after each entry is recorded; `snapshot` builds the report so far. */
  settled(snapshot: () => ExecutionReport): void;
}

/** What a resume reuses of a mapped task. */
export type MappedReuse =
  | { readonly whole: TaskReportEntry }
  | { readonly items: ReadonlyMap<number, TaskReportEntry>; readonly fromRun: string | null };
