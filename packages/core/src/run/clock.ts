import { performance } from 'node:perf_hooks';

/**
 * Milliseconds since the Unix epoch with sub-millisecond precision. Unlike
 * `performance.now()` it is comparable across worker threads, whose
 * `performance.now()` counts from their own start.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
