import { z } from 'zod';
import { InvalidOptionError } from '../errors/errors.js';
import { type OptionSite, toOptionError } from './translate.js';

/** An object made by `{}`, `Object.create(null)` or `JSON.parse`: not an array, a class instance or a Proxy of one. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A zod schema for {@link isPlainObject}. */
export const plainObject: z.ZodType<Record<string, unknown>> = z.custom<Record<string, unknown>>(isPlainObject);

/** How the options object itself is described when it is not an object at all. */
export interface ParseSite extends OptionSite {
  /** The options object's name in messages. @default 'options' */
  readonly root?: string;
  /** What it must be. @default 'a plain object' */
  readonly rootExpected?: string;
  /** `undefined` is an error rather than `{}` (a config with required fields). @default false */
  readonly required?: boolean;
}

/**
 * Checks an options object against its schema and returns the parsed copy.
 * Only the object's own enumerable keys count: a key like `toString`,
 * `constructor` or a JSON `"__proto__"` is an unknown option, and nothing
 * inherited (from `Object.prototype` or a polluted one) is read as given.
 * The fast path is zod's own parse; the error is built only on failure.
 */
export function parseOptions<T>(site: ParseSite, schema: z.ZodType<T>, input: unknown): T {
  // No options at all is the common case: every field takes its default.
  if (input === undefined && !site.required) return parseOwn(site, schema, NO_OPTIONS);
  if (!isPlainObject(input)) {
    const field = site.path ?? site.root ?? 'options';
    const expected = site.rootExpected ?? 'a plain object';
    throw site.invalid
      ? site.invalid(field, expected, input, false)
      : new InvalidOptionError(site.where, field, expected, input, site.taskName);
  }
  return parseOwn(site, schema, ownCopy(site, input));
}

/**
 * Checks one value (a task name, an element of a list) with the same
 * messages: `field` names it.
 */
export function checkValue<T>(site: OptionSite & { readonly field: string }, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw toOptionError({ ...site, path: site.field }, schema, value, parsed.error.issues);
}

const NO_OPTIONS: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);
const NO_OPTIONS_PARSED = new WeakMap<object, unknown>();

function parseOwn<T>(site: OptionSite, schema: z.ZodType<T>, own: Record<string, unknown>): T {
  if (own === NO_OPTIONS && NO_OPTIONS_PARSED.has(schema)) return NO_OPTIONS_PARSED.get(schema) as T;
  const parsed = schema.safeParse(own);
  if (parsed.success && own === NO_OPTIONS) {
    const empty = Object.freeze(Object.setPrototypeOf(parsed.data as object, null)) as T;
    NO_OPTIONS_PARSED.set(schema, empty);
    return empty;
  }
  // zod's result is a fresh `{}`: without a prototype, an absent option reads
  // as `undefined` even when Object.prototype has been polluted.
  if (parsed.success) return Object.setPrototypeOf(parsed.data as object, null) as T;
  throw toOptionError(site, schema, own, parsed.error.issues);
}

/**
 * The own enumerable string keys, copied onto a null-prototype object so the
 * schema sees nothing inherited. A getter that throws is an invalid option,
 * not a crash.
 */
function ownCopy(site: OptionSite, input: Record<string, unknown>): Record<string, unknown> {
  const own = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    try {
      own[key] = input[key];
    } catch (error) {
      const field = site.path ? `${site.path}.${key}` : key;
      throw new InvalidOptionError(site.where, field, 'a readable value', error, site.taskName);
    }
  }
  return own;
}
