import { expect } from 'vitest';
import type { ProcessesError } from '../../dist/index.js';

/** Passes a deliberately wrong value where the types would not allow it. */
export const bad = (value: unknown): never => value as never;

/** Runs `fn`, which must throw, and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Any error class: constructors take arguments of every shape. */
export type ErrorClassOf<E> = abstract new (...args: any[]) => E;

/** The properties `expectThrows` compares; `message` is the whole text. */
export type ExpectedError = { code: string; message: string } & Record<string, unknown>;

/**
 * Asserts that `fn` throws an instance of `ErrorClass` with exactly these
 * properties (`message` compared as the whole text), and returns the error.
 */

export function expectThrows<E extends ProcessesError>(
  fn: () => unknown,
  ErrorClass: ErrorClassOf<E>,
  expected: ExpectedError,
): E {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(ErrorClass);
  const e = error as E;
  for (const [key, value] of Object.entries(expected)) {
    expect((e as unknown as Record<string, unknown>)[key], key).toEqual(value);
  }
  return e;
}
