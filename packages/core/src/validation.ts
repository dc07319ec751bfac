import { z } from 'zod';
import { InvalidOptionError, UnknownOptionError } from './errors.js';

/** An option's schema and, in words, what it must be (used in the error message). */
export interface FieldSpec {
  readonly schema: z.ZodType;
  readonly expected: string;
}

export function spec(schema: z.ZodType, expected: string): FieldSpec {
  return { schema, expected };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const plainObject: z.ZodType<Record<string, unknown>> = z.custom<Record<string, unknown>>(isPlainObject);

/**
 * Checks an options object: it must be a plain object (or undefined), with
 * only known keys, each matching its spec. Throws the first problem found, in
 * the order of `specs`. `path` names a nested object (`retryDelayMs`) in messages.
 */
export function checkOptions(
  where: string,
  options: unknown,
  specs: Readonly<Record<string, FieldSpec>>,
  taskName?: string,
  path?: string,
): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) {
    throw new InvalidOptionError(where, path ?? 'options', 'a plain object', options, taskName);
  }
  const known = Object.keys(specs);
  const prefix = path ? `${path}.` : '';
  for (const key of Object.keys(options)) {
    if (!(key in specs)) throw new UnknownOptionError(where, prefix + key, known, taskName);
  }
  for (const [key, fieldSpec] of Object.entries(specs)) {
    const value = options[key];
    if (value !== undefined) checkField(where, prefix + key, fieldSpec, value, taskName);
  }
  return options;
}

export function checkField(
  where: string,
  field: string,
  fieldSpec: FieldSpec,
  value: unknown,
  taskName?: string,
): void {
  if (!fieldSpec.schema.safeParse(value).success) {
    throw new InvalidOptionError(where, field, fieldSpec.expected, value, taskName);
  }
}
