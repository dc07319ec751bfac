import type { AttemptRequest, WorkerTaskSpec } from '../types.js';
import type { QueuedJob } from './fair-queue.js';
import type { KillSwitch } from './kill-switch.js';
import type { ChainedArguments, WorkerResponse } from './protocol.js';

/** A job of the pool's fair queue: one attempt. */
export interface AttemptJob extends QueuedJob {
  readonly state: AttemptState;
}

/** Attempts sent to a thread in one message (worker-entry.ts `runBatch`). */
export interface AttemptBatch {
  readonly states: readonly AttemptState[];
  /** Shared with the worker: its thread id and how many attempts finished (protocol.ts `WorkerBatch`). */
  readonly progress: Int32Array;
  /** Stops the whole batch (its attempts all belong to one run, so they are stopped together). */
  readonly kill: KillSwitch | undefined;
}

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
  readonly job: AttemptJob;
  /** A fused chain link: its arguments are made on the thread from the attempt before it in the batch. */
  readonly chained: ChainedArguments | undefined;
  /** Settles a fused chain link that did not run (its outcome is then the scheduler's to get, as usual). */
  readonly notRun: (() => void) | undefined;
  /** The fused chain links that go to the thread right behind this attempt, in chain order. */
  links: readonly AttemptState[];
  started: boolean;
  /** The batch it was sent in, if it was sent with others. */
  batch: AttemptBatch | undefined;
  /** Never batched again: its batch could not be posted. */
  alone: boolean;
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
export type AttemptInit = Pick<AttemptState, 'id' | 'request' | 'task' | 'runSignal' | 'resolve' | 'kill' | 'job'> &
  Partial<Pick<AttemptState, 'chained' | 'notRun'>>;

/** A class rather than a spread literal: one shape for every attempt, made in one step (a hot path). */
class State implements AttemptState {
  readonly id: number;
  readonly request: AttemptState['request'];
  readonly task: AttemptState['task'];
  readonly runSignal: AbortSignal;
  readonly resolve: AttemptState['resolve'];
  readonly kill: KillSwitch | undefined;
  readonly job: AttemptJob;
  readonly chained: ChainedArguments | undefined;
  readonly notRun: (() => void) | undefined;
  links: readonly AttemptState[] = NO_LINKS;
  started = false;
  batch: AttemptBatch | undefined = undefined;
  alone = false;
  threadId = 0;
  executionStartedAt: number | undefined = undefined;
  hardTimer: NodeJS.Timeout | undefined = undefined;
  deadlinePassed = false;
  endedBy: AttemptState['endedBy'] = undefined;
  exitCode: number | undefined = undefined;
  calledExit = false;
  outOfMemory = false;
  uncloneable: string | undefined = undefined;
  progress: Int32Array | undefined = undefined;
  held: WorkerResponse | undefined = undefined;
  flushed = false;
  threadGone: Promise<unknown> | undefined = undefined;
  settled = false;

  constructor(init: AttemptInit) {
    this.id = init.id;
    this.request = init.request;
    this.task = init.task;
    this.runSignal = init.runSignal;
    this.resolve = init.resolve;
    this.kill = init.kill;
    this.job = init.job;
    this.chained = init.chained;
    this.notRun = init.notRun;
  }
}

const NO_LINKS: readonly AttemptState[] = Object.freeze([]);

export function newAttemptState(init: AttemptInit): AttemptState {
  return new State(init);
}
