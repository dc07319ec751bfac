// The option-checking pattern of @processes/core's validation.ts (internal
// there, so repeated here): a plain object, only known keys, each key checked
// by a zod schema and described in words for the message.
import { InvalidOptionError, UnknownOptionError } from '@processes/core';
import type { z } from 'zod';

/** A key's schema and, in words, what it must be. */
export interface FieldSpec {
  readonly schema: z.ZodType;
  readonly expected: string;
  /** Throws a more specific error than `InvalidOptionError` for this key. */
  readonly fail?: (where: string, field: string, value: unknown) => Error;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks an options object (undefined counts as `{}`): known keys only, each
 * matching its spec, in the order of `specs`. Throws the first problem.
 */
export function checkOptions(
  where: string,
  options: unknown,
  specs: Readonly<Record<string, FieldSpec>>,
  path = 'options',
): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new InvalidOptionError(where, path, 'a plain object', options);
  const known = Object.keys(specs);
  for (const key of Object.keys(options)) {
    if (!(key in specs)) throw new UnknownOptionError(where, key, known);
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = options[key];
    if (value !== undefined && !spec.schema.safeParse(value).success) {
      throw spec.fail ? spec.fail(where, key, value) : new InvalidOptionError(where, key, spec.expected, value);
    }
  }
  return options;
}
