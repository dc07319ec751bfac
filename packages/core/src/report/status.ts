/** Where a task ended up in a run. The values are the seed's wire strings. */
export const TaskStatus = {
  /** Not run: the run was aborted before the task could start. */
  PENDING: 'pending',
  SUCCESS: 'success',
  ERRORED: 'errored',
  /** Not run because a task it depends on (directly or not) errored. */
  SKIPPED: 'skipped',
} as const;

export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];
