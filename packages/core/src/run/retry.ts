import { causeChain, type SerializedError } from '../errors/serialize-error.js';

/** A class of errors to retry, matched by name along the prototype chain. */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any arity are accepted.
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Which failures are retried: error classes (matched by class name, so a
 * worker's `MyError` matches `MyError` here), error `code` strings, or a
 * predicate. Classes and codes match the error or any error in its `cause`
 * chain.
 */
export type RetryOn = ReadonlyArray<ErrorClass | string> | ((error: SerializedError) => boolean);

/** Exponential backoff between attempts. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Each further retry waits this many times longer. @default 2 */
  factor?: number;
  /** No retry waits longer than this. @default 30000 */
  maxMs?: number;
  /** Fraction of each delay that is randomised away (0 = exact, 1 = anywhere from 0 to the delay). @default 0 */
  jitter?: number;
}

/** Network error codes retried by default (with `TaskTimeoutError`) when `retries >= 1`. */
export const DEFAULT_RETRY_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  // undici (Node's fetch) socket-level failures.
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Whether a failed attempt should be tried again under `retryOn`. */
export function isRetryable(error: SerializedError, retryOn: RetryOn | undefined): boolean {
  if (typeof retryOn === 'function') return retryOn(error) === true;
  const chain = causeChain(error);
  if (retryOn === undefined) {
    return chain.some(
      (e) => e.classChain.includes('TaskTimeoutError') || (e.code !== undefined && DEFAULT_RETRY_CODES.has(e.code)),
    );
  }
  return retryOn.some((matcher) =>
    typeof matcher === 'string'
      ? chain.some((e) => e.code === matcher)
      : chain.some((e) => e.classChain.includes(matcher.name)),
  );
}

/** How long to wait before retry number `retry` (1 for the first retry). */
export function retryDelayMs(spec: number | BackoffOptions | undefined, retry: number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  const { initialMs, factor = 2, maxMs = 30_000, jitter = 0 } = spec;
  const delay = Math.min(maxMs, initialMs * factor ** (retry - 1));
  return delay * (1 - jitter * Math.random());
}
