import { backoffDelayMs } from 'processes-core/internal';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../dist/retry-after.js';

// Internal: the HTTP-date form depends on the clock, which the public API cannot fix.
describe('parseRetryAfter', () => {
  const now = Date.parse('2026-06-20T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP-date relative to now; a past date means no wait', () => {
    expect(parseRetryAfter('Sat, 20 Jun 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 20 Jun 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

// The one backoff formula lives in core; the webhook's redeliveries use it as is.
describe('backoffDelayMs', () => {
  it('follows core’s rule: fixed, or initialMs * factor^(retry-1) capped at maxMs', () => {
    expect(backoffDelayMs(250, 3)).toBe(250);
    const spec = { initialMs: 100, factor: 3, maxMs: 1000 };
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(spec, retry))).toEqual([100, 300, 900, 1000]);
    expect(backoffDelayMs({ initialMs: 100 }, 2)).toBe(200);
  });
});
