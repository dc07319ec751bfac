import type { AttemptRequest, WorkerTaskSpec } from '../types.js';
import type { QueuedJob } from './fair-queue.js';
import type { KillSwitch } from './kill-switch.js';
import type { WorkerResponse } from './protocol.js';

/** One attempt while the pool owns it. */
export interface AttemptState {
  readonly id: number;
  readonly request: AttemptRequest;
  readonly task: WorkerTaskSpec;
  /** The run's signal: aborting it stops the attempt. */
  readonly runSignal: AbortSignal;
  readonly resolve: (response: WorkerResponse) => void;
  /**
   * Firing it makes piscina drop the task, terminating its thread if it runs.
   * Only attempts that may have to be stopped (a timeout, a cancellable run)
   * get one: piscina queues and dispatches tasks with a signal more slowly.
   */
  readonly kill: KillSwitch | undefined;
  readonly job: QueuedJob;
  started: boolean;
  threadId: number;
  executionStartedAt: number | undefined;
  hardTimer: NodeJS.Timeout | undefined;
  /** The deadline's grace period passed once already, with the outcome decided but not yet arrived. */
  deadlinePassed: boolean;
  endedBy: 'timeout' | 'run-aborted' | 'pool-destroyed' | 'uncloneable' | undefined;
  exitCode: number | undefined;
  calledExit: boolean;
  /** The thread reported nearing its heap limit during this attempt. */
  outOfMemory: boolean;
  /** Why the result could not be sent back, when that is what failed. */
  uncloneable: string | undefined;
  /** Shared with the worker (timed attempts only): whether the module is loaded and the outcome decided. */
  progress: Int32Array | undefined;
  /** The worker's response, held until its `flushed` event brings the last log line. */
  held: WorkerResponse | undefined;
  flushed: boolean;
  /** Resolves when the thread this attempt's stop terminated has exited (its last messages are in by then). */
  threadGone: Promise<unknown> | undefined;
  settled: boolean;
}

/** What an attempt's state is made from; everything else starts empty. */
export type AttemptInit = Pick<AttemptState, 'id' | 'request' | 'task' | 'runSignal' | 'resolve' | 'kill' | 'job'>;

export function newAttemptState(init: AttemptInit): AttemptState {
  return {
    ...init,
    started: false,
    threadId: 0,
    executionStartedAt: undefined,
    hardTimer: undefined,
    deadlinePassed: false,
    endedBy: undefined,
    exitCode: undefined,
    calledExit: false,
    uncloneable: undefined,
    outOfMemory: false,
    progress: undefined,
    held: undefined,
    flushed: false,
    threadGone: undefined,
    settled: false,
  };
}
