/** Where a task ended up in a run. The values are the Python library's wire strings, plus `cancelled`. */
export const TaskStatus = {
  /**
   * Not run: the run was aborted before the task could start. Written only
   * by version-1 report documents (read back as they are); since version 2
   * such a task is {@link TaskStatus.CANCELLED}. Since version 2 it also marks
   * a task that had not finished when a checkpoint (`run({ checkpoint })`)
   * was written.
   */
  PENDING: 'pending',
  SUCCESS: 'success',
  ERRORED: 'errored',
  /** Not run because a task it depends on (directly or not) errored. */
  SKIPPED: 'skipped',
  /**
   * Stopped by aborting the run (`run({ signal })`, Ctrl-C in the CLI): it was
   * running then (its entry's `error` is the abort, `attempts` counts the
   * attempt cut short), or it had not started yet (`attempts` is 0).
   */
  CANCELLED: 'cancelled',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];
