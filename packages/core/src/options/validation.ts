import { z } from 'zod';
import { InvalidOptionError, UnknownOptionError } from '../errors/errors.js';

/**
 * Option checking shared by every package: a zod schema per option plus, in
 * words, what it must be, so messages read ``expected `timeoutMs` to be a
 * finite number > 0, got `-1` (number)``. Sibling packages import it from
 * `@processes/core/internal`.
 */
export interface FieldSpec {
  readonly schema: z.ZodType;
  readonly expected: string;
  /** The value may be a credential: the message names its kind, never the value. */
  readonly hidden?: boolean;
  /** Throws a more specific error than `InvalidOptionError` for this option. */
  readonly fail?: (where: string, field: string, value: unknown) => Error;
}

export function spec(schema: z.ZodType, expected: string, hidden = false): FieldSpec {
  return hidden ? { schema, expected, hidden } : { schema, expected };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const plainObject: z.ZodType<Record<string, unknown>> = z.custom<Record<string, unknown>>(isPlainObject);

/**
 * Checks an options object: it must be a plain object (or undefined, which
 * counts as `{}`), with only known keys, each matching its spec. Throws the
 * first problem found, in the order of `specs`. `path` names the object in
 * messages (`retryDelayMs`, then `retryDelayMs.factor` for its keys).
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
  if (fieldSpec.schema.safeParse(value).success) return;
  if (fieldSpec.fail) throw fieldSpec.fail(where, field, value);
  if (fieldSpec.hidden) throw hiddenValueError(where, field, fieldSpec.expected, kindOf(value), taskName);
  throw new InvalidOptionError(where, field, fieldSpec.expected, value, taskName);
}

/** What `received` holds when the value may be a credential. */
export const HIDDEN_VALUE = '[hidden]';

/**
 * An `InvalidOptionError` that says what kind of value was given but not the
 * value, e.g. ``expected `secret` to be a non-empty string, got a number (the
 * value is not shown)``.
 */
export function hiddenValueError(
  where: string,
  field: string,
  expected: string,
  given: string,
  taskName?: string,
): InvalidOptionError {
  return new InvalidOptionError(
    where,
    field,
    expected,
    HIDDEN_VALUE,
    taskName,
    undefined,
    `${given} (the value is not shown)`,
  );
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
