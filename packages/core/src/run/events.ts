import type { SerializedError } from '../errors/serialize-error.js';
import type { TriggerRule } from '../options/trigger-rule.js';
import type { ProcessExecutionReport } from '../report/report.js';
import type { ReuseInfo } from '../report/types.js';

/** The fields every {@link RunEvent} has. */
export interface RunEventBase {
  /** Identifies the run; overlapping runs of one process have different ids. */
  readonly runId: string;
  /** Milliseconds since the Unix epoch. */
  readonly at: number;
}

/**
 * Progress of one run, for CLIs and services. Passed to `run({ onEvent })`
 * synchronously as things happen; a listener that throws is reported as a
 * `PROC_EVENT_LISTENER_FAILED` warning and never disturbs the run.
 */
export type RunEvent =
  | (RunEventBase & {
      readonly type: 'run:started';
      readonly processName: string;
      readonly taskNames: readonly string[];
    })
  | (RunEventBase & { readonly type: 'task:started'; readonly taskName: string; readonly attempt: number })
  | (RunEventBase & {
      readonly type: 'task:retrying';
      readonly taskName: string;
      /** The attempt that failed. */
      readonly attempt: number;
      readonly error: SerializedError;
      readonly delayMs: number;
    })
  | (RunEventBase & {
      readonly type: 'task:succeeded';
      readonly taskName: string;
      readonly attempts: number;
      readonly elapsedMs: number;
      /** Set when the task did not run: its result was reused (then `attempts` and `elapsedMs` are 0). */
      readonly reused?: ReuseInfo;
    })
  | (RunEventBase & {
      readonly type: 'task:failed';
      readonly taskName: string;
      readonly attempts: number;
      readonly elapsedMs: number;
      readonly error: SerializedError;
    })
  | (RunEventBase & {
      readonly type: 'task:skipped';
      readonly taskName: string;
      /** The task where the trouble began (an errored task, or the dependency the rule names). */
      readonly because: string;
      /** The task's trigger rule (always set by the scheduler; optional for events built elsewhere). */
      readonly rule?: TriggerRule;
      /** The dependencies whose ending refuted the rule. */
      readonly upstream?: readonly string[];
    })
  /**
   * A mapped task's array is known: it runs as `items` attempt chains, whose
   * events name them `name[0]`, `name[1]`, … (`name[0..99]` for a batch);
   * the mapped task's own `task:succeeded` or `task:failed` comes after its
   * last item's.
   */
  | (RunEventBase & { readonly type: 'task:mapped'; readonly taskName: string; readonly items: number })
  /** The run ended, also when it was aborted (then `run()` rejects and the report has cancelled tasks). */
  | (RunEventBase & { readonly type: 'run:finished'; readonly report: ProcessExecutionReport });

export type RunEventType = RunEvent['type'];
