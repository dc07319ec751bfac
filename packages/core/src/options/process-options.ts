import type { Logger } from 'pino';
import { z } from 'zod';
import type { RedactOption } from '../logging/redaction.js';
import { described, type Parsed, type ShapeOf } from './field.js';

/** Options of a {@link Process}. */
export interface ProcessOptions {
  /** Shown in reports, log lines, email subjects and webhook payloads. @default '' */
  name?: string;
  /**
   * A pino logger that also receives every task's engine lines (start,
   * retries, finish, failure) as children bound to `{ task }`, and is the
   * `taskContext().log` of tasks without a `logPath`. @default none
   */
  logger?: Logger;
  /**
   * More names whose values never leave the process, besides the defaults
   * (password, secret, token, api key, authorization, cookie, session,
   * private key, credential, …): names matched as case-insensitive
   * substrings, or a RegExp. Traced variables with these names, and keys with
   * these names inside args and kwargs, are written as `[redacted]` in report
   * JSON, log files, email and webhook payloads. @default none
   */
  redact?: RedactOption;
  /**
   * Concurrency pools, by name: how many slots each has. A task with
   * `pool: 'db'` holds `poolSlots` of the `db` pool while it runs, so at
   * most that many slots are in use at once across a run, whatever runs the
   * task. @default {}
   */
  pools?: Readonly<Record<string, number>>;
}

/** The defaults of {@link ProcessOptions}. */
export const PROCESS_DEFAULTS: { readonly name: string; readonly pools: Readonly<Record<string, number>> } =
  Object.freeze({ name: '', pools: Object.freeze({}) });

// A pino logger, or anything with its four methods (a child, a wrapper).
const isLogger = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  ['info', 'warn', 'error', 'child'].every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

export const processOptionsSchema: z.ZodType<Parsed<ProcessOptions>> = z.strictObject({
  name: described(z.string(), 'a string').optional(),
  logger: described(z.custom<Logger>(isLogger), 'a pino logger').optional(),
  redact: described(
    z.union([z.array(z.string()), z.custom<RegExp>((value) => value instanceof RegExp)]),
    'an array of names or a RegExp',
  ).optional(),
  pools: described(
    z.record(z.string().regex(/^\S+$/), z.number().int().positive()),
    'an object of pool names (no whitespace) to slot counts (integers >= 1)',
  ).optional(),
} satisfies ShapeOf<ProcessOptions>);
