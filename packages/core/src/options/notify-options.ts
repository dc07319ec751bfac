import { z } from 'zod';
import { described, type Parsed, type ShapeOf } from './field.js';

/** Options of `report.notify()`. */
export interface NotifyOptions {
  /**
   * Send only the errored entries. When the report (after the `tasks`
   * filter) has no errored entry, no channel is called. @default false
   */
  onlyErrors?: boolean;
  /** Send only these tasks (names match ignoring case). @default all tasks */
  tasks?: Iterable<string>;
  /** Emit a `PROC_CHANNEL_FAILED` process warning when a channel fails. @default true */
  showWarnings?: boolean;
  /**
   * Passed to each channel; aborting it asks channels to give up, and
   * notify() stops waiting for a channel 1 s after the abort (its outcome
   * is then the abort reason) even if that channel ignores the signal. Pass
   * `AbortSignal.timeout(ms)` to bound a notify() whose channels might never
   * settle. @default none
   */
  signal?: AbortSignal;
}

/** The defaults of {@link NotifyOptions}. */
export const NOTIFY_DEFAULTS: { readonly onlyErrors: boolean; readonly showWarnings: boolean } = Object.freeze({
  onlyErrors: false,
  showWarnings: true,
});

// A string is iterable too, but `tasks: 'load'` would mean the tasks l, o, a, d.
const isTaskNames = (value: unknown): value is Iterable<string> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';

export const notifyOptionsSchema: z.ZodType<Parsed<NotifyOptions>> = z.strictObject({
  onlyErrors: described(z.boolean(), 'a boolean').optional(),
  tasks: described(z.custom<Iterable<string>>(isTaskNames), 'an iterable of task names (an array or a Set)').optional(),
  showWarnings: described(z.boolean(), 'a boolean').optional(),
  signal: described(
    z.custom<AbortSignal>((value) => value instanceof AbortSignal),
    'an AbortSignal',
  ).optional(),
} satisfies ShapeOf<NotifyOptions>);
