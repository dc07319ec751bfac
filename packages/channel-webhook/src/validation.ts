import { InvalidOptionError, UnknownOptionError } from '@processes/core';
import type { z } from 'zod';

// A small twin of core's internal option checker (validation.ts), which core
// does not export: the same messages, the same error classes and codes.

/** An option's schema and, in words, what it must be (used in the error message). */
export interface FieldSpec {
  readonly schema: z.ZodType;
  readonly expected: string;
  /**
   * The value may hold a credential (a secret, a token in a URL or a header):
   * the message then names its kind, never the value.
   */
  readonly hidden?: boolean;
}

export function spec(schema: z.ZodType, expected: string, hidden = false): FieldSpec {
  return { schema, expected, hidden };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks an options object: a plain object with only known keys, each
 * matching its spec. Throws the first problem, in the order of `specs`.
 */
export function checkOptions(
  where: string,
  name: string,
  options: unknown,
  specs: Readonly<Record<string, FieldSpec>>,
  path?: string,
): Record<string, unknown> {
  if (!isPlainObject(options)) throw new InvalidOptionError(where, path ?? name, 'a plain object', options);
  const known = Object.keys(specs);
  const prefix = path ? `${path}.` : '';
  for (const key of Object.keys(options)) {
    if (!(key in specs)) throw new UnknownOptionError(where, prefix + key, known);
  }
  for (const [key, fieldSpec] of Object.entries(specs)) {
    const value = options[key];
    if (value !== undefined) checkField(where, prefix + key, fieldSpec, value);
  }
  return options;
}

export function checkField(where: string, field: string, fieldSpec: FieldSpec, value: unknown): void {
  if (fieldSpec.schema.safeParse(value).success) return;
  throw fieldSpec.hidden
    ? hiddenValueError(where, field, fieldSpec.expected, kindOf(value))
    : new InvalidOptionError(where, field, fieldSpec.expected, value);
}

/** What `received` holds when the value may be a credential. */
export const HIDDEN = '[hidden]';

/**
 * An `InvalidOptionError` whose message says what kind of value was given
 * but not the value, e.g. ``expected `secret` to be a non-empty string or
 * null, got a number (the value is not shown)``.
 */
export function hiddenValueError(where: string, field: string, expected: string, given: string): InvalidOptionError {
  const error = new InvalidOptionError(where, field, expected, HIDDEN);
  // V8 formats `stack` lazily, so the stack's first line shows this message too.
  error.message = `${where}: expected \`${field}\` to be ${expected}, got ${given} (the value is not shown)`;
  return error;
}

/** The kind of a value in words, without its content: `a number`, `an empty string`, `an object (Buffer)`. */
export function kindOf(value: unknown): string {
  if (value === null) return '`null`';
  if (value === undefined) return '`undefined`';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'null prototype'})`;
  return `a ${typeof value}`;
}
