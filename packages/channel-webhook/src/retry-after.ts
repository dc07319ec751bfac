import type { BackoffOptions } from '@processes/core';

/**
 * The wait a `Retry-After` header asks for, in milliseconds: either
 * delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`,
 * measured from `nowMs`; a date in the past means no wait). `undefined` when
 * the header is absent or unreadable, so the backoff applies instead.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone reads far too much (`-5` is a year).
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * How long to wait before retry number `retry` (1 for the first retry): the
 * same rule as core's task retries, so one backoff object means the same
 * thing in both places.
 */
export function backoffDelayMs(spec: number | BackoffOptions, retry: number): number {
  if (typeof spec === 'number') return spec;
  const { initialMs, factor = 2, maxMs = 30_000, jitter = 0 } = spec;
  const delay = Math.min(maxMs, initialMs * factor ** (retry - 1));
  return delay * (1 - jitter * Math.random());
}
