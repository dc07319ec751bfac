/**
 * Every warning code any package emits, in one catalogue beside the error
 * classes. A warning reports a fault the engine absorbed (a channel that
 * failed, a listener that threw) without failing the run. Each code has a row
 * under "Warnings" in docs/errors.md; a test checks that every code emitted in
 * the sources is here and there. A retired code is never reused.
 */
export const WarningCode = {
  /** `report.notify()`: a channel failed to send; the others still ran. */
  CHANNEL_FAILED: 'PROC_CHANNEL_FAILED',
  /** A run event listener threw; the run went on. */
  EVENT_LISTENER_FAILED: 'PROC_EVENT_LISTENER_FAILED',
  /** A task's `retryOn` predicate threw; the failure is not retried. */
  RETRY_PREDICATE_FAILED: 'PROC_RETRY_PREDICATE_FAILED',
  /** A failure with retries left was not retried: `retryOn` did not match it (the entry's `notRetried` says why). */
  TASK_NOT_RETRIED: 'PROC_TASK_NOT_RETRIED',
  /** Lines of a task could not be written to its log file, or the process logger threw; the task ran. */
  LOG_WRITE_FAILED: 'PROC_LOG_WRITE_FAILED',
  /** A callback a worker task scheduled threw after its attempt had ended. */
  WORKER_LATE_ERROR: 'PROC_WORKER_LATE_ERROR',
  /** A worker thread failed outside any task; the pool replaced it. */
  WORKER_POOL_ERROR: 'PROC_WORKER_POOL_ERROR',
  /** A cache entry was corrupt or truncated (bad checksum, unreadable envelope): treated as a miss. */
  CACHE_ENTRY_CORRUPT: 'PROC_CACHE_ENTRY_CORRUPT',
  /** The cache store failed to read, write or evict; the task ran (or its result was not stored). */
  CACHE_STORE_FAILED: 'PROC_CACHE_STORE_FAILED',
  /** A cached task's result could not be stored exactly (a class instance, an Error), so it was not cached. */
  CACHE_RESULT_UNSTORABLE: 'PROC_CACHE_RESULT_UNSTORABLE',
  /** A checkpoint of the run's report could not be written; the run went on. */
  CHECKPOINT_WRITE_FAILED: 'PROC_CHECKPOINT_WRITE_FAILED',
} as const;

export type WarningCode = (typeof WarningCode)[keyof typeof WarningCode];

/** The `type` (the `name` a `'warning'` listener sees) of every warning this library emits. */
export const WARNING_TYPE = 'ProcessesWarning';

/**
 * The one way the packages emit a warning: `process.emitWarning` with
 * {@link WARNING_TYPE} and a catalogued code, so `process.on('warning', …)`
 * can tell them apart by `warning.code`. `detail` (a stack, say) is printed
 * on the lines after the message.
 */
export function emitProcessesWarning(code: WarningCode, message: string, detail?: string): void {
  process.emitWarning(message, { type: WARNING_TYPE, code, ...(detail === undefined ? {} : { detail }) });
}
