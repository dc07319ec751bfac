/**
 * The messages between the main thread ({@link file://./worker-pool.ts}) and
 * a worker thread ({@link file://./worker-entry.ts}). Requests and responses
 * travel through piscina; events travel on the worker's `parentPort` and
 * arrive as the pool's `'message'` events.
 */

import type { SerializedError } from '../../errors/serialize-error.js';
import type { RedactionWire } from '../../logging/redaction.js';
import type { ArgumentsRecipe } from '../../run/arguments.js';
import type { AttemptOutcome, LogLevel, UpstreamState } from '../types.js';

/** What every thread of a pool is started with (piscina's `workerData`). */
export interface WorkerStartup {
  /** Open an inspector session on the thread so failing tasks can report their locals. */
  readonly tracedVars: boolean;
}

/** One attempt of a worker task: piscina's task payload. */
export interface WorkerRequest {
  /** Unique within a pool; ties events to their attempt. */
  readonly attemptId: number;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
  readonly taskName: string;
  readonly processName: string;
  readonly attempt: number;
  readonly runId: string;
  /** Per attempt; the worker aborts the task's signal at the deadline. */
  readonly timeoutMs: number | null;
  /** Send the task's log lines to the main thread (something listens to them). */
  readonly forwardLogs: boolean;
  /** The lowest level anything keeps; lines below it are dropped in the worker. */
  readonly logLevel: LogLevel;
  /** Move ArrayBuffers in the result back instead of copying them. */
  readonly transferResult: boolean;
  /** Capture the locals at the throw site when the attempt fails (and the pool allows it). */
  readonly captureTracedVars: boolean;
  readonly tracedVarsFrameFilter: string | null;
  /** Names to redact besides the defaults; undefined for the defaults only. */
  readonly redaction: RedactionWire | undefined;
  /**
   * For a timed attempt, memory shared with the main thread, read by the
   * hard-timeout backstop without waiting for messages: the worker stores 1
   * at {@link LOADED} once the task's module is imported, and at
   * {@link DECIDED} once the attempt's outcome is decided (its thread is
   * then left alone).
   */
  readonly progress: Int32Array | undefined;
  /** How each dependency ended, for `taskContext().upstream`. */
  readonly upstream?: Readonly<Record<string, UpstreamState>>;
  /** Put the heap in use when the attempt ends in the response (`heapUsedMb`). */
  readonly measureHeap?: boolean;
  /**
   * A fused chain link (chain fusion, worker-pool.ts `executeChain`): its
   * `args` are built on the thread from the previous request of the batch,
   * and it runs only if that one succeeded. In a batch, a link's request
   * carries only the fields that differ from the request before it (the
   * worker fills in the rest from that one): most are the same along a chain.
   */
  readonly chained?: ChainedArguments;
}

/**
 * How a fused chain link's arguments are made on the thread: its recipe
 * (its own args and kwargs, how each dependency's result goes in), the
 * results of its other dependencies (already known), by dependency
 * position, and the positions `previousAt` where the previous link's result
 * goes (a structured clone of it, as a round trip through the main thread
 * would give); `argumentsOf` (run/arguments.ts) builds the call from them.
 */
export interface ChainedArguments extends ArgumentsRecipe {
  readonly results: readonly unknown[];
  readonly previousAt: readonly number[];
}

/**
 * Short, untimed attempts of one run sent to a thread together (piscina's
 * task payload for `runBatch`); their responses come back as one `results`
 * event.
 */
export interface WorkerBatch {
  readonly requests: readonly WorkerRequest[];
  /**
   * Shared with the main thread: the worker stores its thread id at
   * {@link BATCH_THREAD} when the batch starts and counts finished attempts
   * at {@link BATCH_DONE}, so if the thread dies mid-batch the pool knows
   * which attempt it was running and which never started.
   */
  readonly progress: Int32Array;
}

/** Index in {@link WorkerBatch.progress}: the thread running the batch. */
export const BATCH_THREAD = 0;
/** Index in {@link WorkerBatch.progress}: attempts of the batch finished. */
export const BATCH_DONE = 1;
export const BATCH_SLOTS = 2;

/** An outcome without its `workerId`, case by case. */
type WithoutWorkerId<T> = T extends unknown ? Omit<T, 'workerId'> : never;

/**
 * What the worker resolves an attempt to: the executor's outcome
 * ({@link file://./types.ts}) with the thread id in place of a `workerId`.
 * Errors are data: the worker never throws at piscina.
 */
export type WorkerResponse = WithoutWorkerId<AttemptOutcome> & {
  /** The thread it ran on; the pool names it `thread:<id>` in the outcome. */
  readonly threadId: number;
  /** The attempt sent log lines and then a `flushed` event: settle it only once that event is in. */
  readonly flushed?: true;
};

/** Index in {@link WorkerRequest.progress}: the attempt's outcome is decided. */
export const DECIDED = 0;
/** Index in {@link WorkerRequest.progress}: the task's module is imported. */
export const LOADED = 1;
export const PROGRESS_SLOTS = 2;

/** Marks our events among anything else a task might post on `parentPort`. */
export const EVENT_TAG = 'processes:worker-event';

/** Events a worker posts on its `parentPort`. */
export type WorkerEvent =
  /** The attempt started on a thread (before its module loads): the main thread starts its hard-timeout clock. */
  | {
      readonly tag: typeof EVENT_TAG;
      readonly kind: 'started';
      readonly attemptId: number;
      readonly startedAt: number;
      readonly threadId: number;
    }
  /** The attempt's last log line was sent before this: every line is in once it arrives. */
  | { readonly tag: typeof EVENT_TAG; readonly kind: 'flushed'; readonly attemptId: number }
  /** The task called `process.exit(code)`; the thread is about to end. */
  | {
      readonly tag: typeof EVENT_TAG;
      readonly kind: 'exit';
      readonly attemptId: number;
      readonly code: number | undefined;
    }
  /** The attempt's result could not be cloned to send back; the main thread must end the attempt and the thread. */
  | {
      readonly tag: typeof EVENT_TAG;
      readonly kind: 'uncloneable';
      readonly attemptId: number;
      readonly threadId: number;
      readonly message: string;
    }
  /** The thread neared its heap limit while this attempt ran; it is about to end itself. */
  | { readonly tag: typeof EVENT_TAG; readonly kind: 'out-of-memory'; readonly attemptId: number | undefined }
  /**
   * The responses of a batch of attempts (worker-entry.ts `runBatch`), in the
   * order they ran; sent after their log lines, on the same port.
   */
  | {
      readonly tag: typeof EVENT_TAG;
      readonly kind: 'results';
      readonly attemptIds: readonly number[];
      readonly responses: readonly WorkerResponse[];
      /** Fused chain links that did not run (the link before them did not succeed): the main thread runs them itself. */
      readonly notRun?: readonly number[];
    }
  /** A log line of a task without a log file, for the process logger. */
  | { readonly tag: typeof EVENT_TAG; readonly kind: 'log'; readonly attemptId: number; readonly line: string }
  /**
   * A callback the task scheduled threw after the attempt had already ended.
   * It cannot change the attempt's outcome any more; it becomes a warning.
   */
  | {
      readonly tag: typeof EVENT_TAG;
      readonly kind: 'late-error';
      readonly taskName: string;
      readonly runId: string;
      readonly error: SerializedError;
    };

/** A {@link WorkerEvent} before the worker tags it. */
export type WorkerEventBody = WorkerEvent extends infer E ? (E extends WorkerEvent ? Omit<E, 'tag'> : never) : never;

export function isWorkerEvent(message: unknown): message is WorkerEvent {
  return typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === EVENT_TAG;
}
