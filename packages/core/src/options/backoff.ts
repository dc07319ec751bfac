import { z } from 'zod';
import { described, rule, type ShapeOf } from './field.js';
import { MAX_TIMER_EXPECTED, MAX_TIMER_MS } from './limits.js';

/** Exponential backoff between attempts (task retries and webhook deliveries alike). */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Each further retry waits this many times longer. @default 2 */
  factor?: number | undefined;
  /** No retry waits longer than this. @default 30000 */
  maxMs?: number | undefined;
  /** Fraction of each delay that is randomised away (0 = exact, 1 = anywhere from 0 to the delay). @default 0 */
  jitter?: number | undefined;
}

/** The defaults of {@link BackoffOptions}' optional fields. */
export const BACKOFF_DEFAULTS: { readonly factor: number; readonly maxMs: number; readonly jitter: number } =
  Object.freeze({
    factor: 2,
    maxMs: 30_000,
    jitter: 0,
  });

/** A duration that ends up in a timer: at most {@link MAX_TIMER_MS}, said so when it is more. */
export function timerMs<T extends z.ZodNumber>(schema: T): T {
  return schema.refine((ms) => ms <= MAX_TIMER_MS, { params: rule(MAX_TIMER_EXPECTED) }) as unknown as T;
}

/** One schema for a backoff object, wherever a delay may be one. */
export const backoffSchema: z.ZodType<BackoffOptions> = z.strictObject({
  // Not bounded by the timer limit: every delay is capped at maxMs, which is.
  initialMs: described(z.number().nonnegative(), 'a finite number >= 0'),
  factor: described(z.number().min(1), 'a finite number >= 1').optional(),
  maxMs: described(timerMs(z.number().nonnegative()), 'a finite number >= 0').optional(),
  jitter: described(z.number().min(0).max(1), 'a number from 0 to 1').optional(),
} satisfies ShapeOf<BackoffOptions>);

/** `retryDelayMs`: a fixed delay in milliseconds, or a {@link backoffSchema} object. */
export const retryDelayMsSchema: z.ZodType<number | BackoffOptions> = described(
  z.union([timerMs(z.number().nonnegative()), backoffSchema]),
  'a number >= 0 or a backoff object',
);

/**
 * How long to wait before retry number `retry` (1 for the first retry): the
 * fixed delay, or `initialMs * factor^(retry - 1)` capped at `maxMs`, minus
 * up to `jitter` of it at random. The one formula behind task retries and
 * webhook redeliveries, so one backoff object means the same in both.
 */
export function backoffDelayMs(delay: number | BackoffOptions | undefined, retry: number): number {
  if (delay === undefined) return 0;
  if (typeof delay === 'number') return delay;
  const { initialMs } = delay;
  const factor = delay.factor ?? BACKOFF_DEFAULTS.factor;
  const maxMs = delay.maxMs ?? BACKOFF_DEFAULTS.maxMs;
  const jitter = delay.jitter ?? BACKOFF_DEFAULTS.jitter;
  const grown = initialMs * factor ** (retry - 1);
  // 0 × Infinity (a huge factor after many retries) is NaN: no growth from 0.
  const capped = Number.isNaN(grown) ? initialMs : Math.min(maxMs, grown);
  return capped * (1 - jitter * Math.random());
}
