// What travels in a job, both ways. The job's data and return value are JSON
// (BullMQ stores them so); everything that must keep its type (arguments,
// results, error data, traced variables) is one v8-serialised payload inside,
// inline as base64 up to the cap or in the blob store.

import type { LogLevel } from 'processes-core';

/**
 * A v8-serialised value: inline (base64), in a Redis key of this package
 * (`stored`: a result too big for BullMQ's events stream, which keeps every
 * return value for its whole length), or in the blob store (over the cap).
 */
export type Payload = { readonly inline: string } | { readonly stored: string } | { readonly blob: string };

/**
 * Results up to this size travel in the job's return value; larger ones (up
 * to the inline cap) in a key of their own, deleted when read, so the events
 * stream BullMQ trims only by length holds no large values.
 */
export const RETURN_VALUE_MAX_BYTES: number = 8 * 1024;

/** Version of the job format: a worker refuses jobs of a version it does not know. */
export const JOB_FORMAT = 1 as const;

/** `job.data` of an attempt's job. */
export interface JobData {
  readonly format: typeof JOB_FORMAT;
  readonly runId: string;
  readonly taskName: string;
  readonly attempt: number;
  readonly processName: string;
  /** A `file:` module's path relative to the root (POSIX separators), or a `data:` URL as is. */
  readonly module: { readonly path: string; readonly sha256: string } | { readonly dataUrl: string };
  readonly exportName: string;
  readonly timeoutMs: number | null;
  readonly logLevel: LogLevel;
  /** Whether anyone listens to the task's log lines (else the worker does not ship them). */
  readonly forwardLogs: boolean;
  readonly tracedVars: { readonly capture: boolean; readonly frameFilter: string | null };
  readonly redact: { readonly source: string; readonly flags: string } | null;
  readonly transferResult: boolean;
  /** The final call arguments, v8-serialised. */
  readonly args: Payload;
}

/** `job.returnvalue`: the attempt's outcome, v8-serialised (it holds the result or the error data). */
export interface JobResult {
  readonly format: typeof JOB_FORMAT;
  readonly outcome: Payload;
  /** How many log lines the worker shipped (the coordinator reads exactly these). */
  readonly logLines: number;
}

/** One log line as shipped: the level, the message and the line's own fields. */
export interface ShippedLine {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}
