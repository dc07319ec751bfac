import type { Logger } from 'pino';
import type { Task } from '../definition/task.js';
import type { SerializedError } from '../errors/serialize-error.js';
import type { LogWriteFailure } from '../logging/log-write.js';
import type { Redaction } from '../logging/redaction.js';
import type { TracedVarsSnapshot } from './traced-vars.js';

/** One attempt of one task, as the scheduler hands it to an executor. */
export interface AttemptRequest {
  readonly task: Task;
  /** The final call arguments: own args, injected results, then the options object if any. */
  readonly args: readonly unknown[];
  /** 1-based. */
  readonly attempt: number;
  readonly runId: string;
  readonly processName: string;
  /** Aborted when the whole run is cancelled. */
  readonly runSignal: AbortSignal;
  /** Whether the run can be cancelled at all (the caller gave it a signal). */
  readonly cancellable: boolean;
  /** The task's logger (`taskContext().log` on the main thread). */
  readonly log: Logger;
  /** The task's log file descriptor, for executors that log from elsewhere (worker threads). */
  readonly logFd: number | null;
  /** Whether log lines without a file should reach the process logger (it exists). */
  readonly forwardLogs: boolean;
  /**
   * ArrayBuffers in `args` that may be moved to the thread instead of copied
   * (results of `transferResult` tasks that nothing else consumes).
   */
  readonly transferables: readonly ArrayBuffer[];
  /** Which names are redacted in traced variables. */
  readonly redaction: Redaction;
}

interface OutcomeTiming {
  /** When the attempt started executing (epoch ms; queue time excluded). */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The thread it ran on: 0 for the main thread. */
  readonly threadId: number;
  /** Lines the attempt logged from another thread that did not reach its log file. */
  readonly logWriteError?: LogWriteFailure;
}

/** How an attempt ended. Executors never reject: every failure is an outcome. */
export type AttemptOutcome =
  | (OutcomeTiming & { readonly ok: true; readonly value: unknown })
  | (OutcomeTiming & {
      readonly ok: false;
      readonly error: SerializedError;
      /** The locals where the error was thrown, when they were captured. */
      readonly tracedVars?: TracedVarsSnapshot;
    });

/**
 * The one seam between the scheduler and the places tasks run (the main
 * thread, a worker pool, one day a distributed queue). The scheduler owns
 * ordering, retries and fault isolation; an executor only runs an attempt.
 */
export interface Executor {
  /** Runs one attempt. Must settle, and must not reject. */
  execute(request: AttemptRequest): Promise<AttemptOutcome>;
}
