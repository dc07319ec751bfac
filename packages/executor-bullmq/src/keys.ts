// The Redis keys and channels this package adds beside BullMQ's own, under
// the same prefix so one `prefix` option keeps a deployment's keys together.

export interface Keys {
  /** BullMQ's hash of a job (this package adds one field to it, {@link TAKEN_BY_FIELD}). */
  job(jobId: string): string;
  /** BullMQ's sorted set of the queue's completed jobs. */
  readonly completed: string;
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
    job: (jobId) => `${prefix}:${queue}:${jobId}`,
    completed: `${prefix}:${queue}:completed`,
    cancel: `${base}:cancel`,
    log: (jobId) => `${base}:log:${jobId}`,
    blob: (jobId, part) => `${base}:blob:${jobId}:${part}`,
    result: (jobId) => `${base}:result:${jobId}`,
  };
}

/**
 * The field of the job's hash naming the worker (`host:pid`) that took it.
 * BullMQ's own `processedBy` is overwritten when a lost worker's job is taken
 * back by another worker (which fails it), so the coordinator would name the
 * wrong one; the field goes when the job's hash is removed.
 */
export const TAKEN_BY_FIELD = 'processes-worker';

/** Sets the field only while the job exists, so a late write cannot recreate a removed job's hash. */
export const SET_TAKEN_BY =
  "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end";

/**
 * Appends a log line (ARGV[1]) to a job's list (KEYS[1]) and gives a list it
 * just made its TTL (ARGV[2], ms): one command a line, and no list without one.
 */
export const PUSH_LOG_LINE =
  "local n = redis.call('RPUSH', KEYS[1], ARGV[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return n";
