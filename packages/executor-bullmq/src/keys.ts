// The Redis keys and channels this package adds beside BullMQ's own, under
// the same prefix so one `prefix` option keeps a deployment's keys together.

export interface Keys {
  /** Pub/sub channel the coordinator cancels jobs through (message: a job id). */
  readonly cancel: string;
  /** The list a job's log lines are appended to, in order. */
  log(jobId: string): string;
  /** A blob of a job's arguments or result. */
  blob(jobId: string, part: 'args' | 'result'): string;
  /** A result too large for the job's return value (see RETURN_VALUE_MAX_BYTES). */
  result(jobId: string): string;
}

export function keysOf(prefix: string, queue: string): Keys {
  const base = `${prefix}:${queue}:processes`;
  return {
    cancel: `${base}:cancel`,
    log: (jobId) => `${base}:log:${jobId}`,
    blob: (jobId, part) => `${base}:blob:${jobId}:${part}`,
    result: (jobId) => `${base}:result:${jobId}`,
  };
}
