import { z } from 'zod';

/** What an option must be, in words, and how a rejection of it is reported. */
export interface FieldInfo {
  /** Completes "expected `field` to be ...", e.g. `a finite number > 0 or null`. */
  readonly expected: string;
  /** The value may be a credential: messages name its kind, never the value. */
  readonly hidden?: boolean;
  /** Throws a more specific error than `InvalidOptionError` for this option. */
  readonly fail?: (where: string, field: string, value: unknown) => Error;
}

// Keyed by schema object, so schemas built by any package (with any copy of
// zod) can be described; weak, so a dropped schema takes its words with it.
const INFOS = new WeakMap<object, FieldInfo>();

/**
 * Gives a schema the words its rejections use, and returns the same schema.
 * The translator uses the innermost described schema along an issue's path:
 * describe a field once, and its nested fields only where they need their
 * own words.
 *
 * ```ts
 * timeoutMs: described(z.number().positive().nullable(), 'a finite number > 0 or null').optional()
 * ```
 */
export function described<T extends z.ZodType>(
  schema: T,
  expected: string,
  extra: Omit<FieldInfo, 'expected'> = {},
): T {
  INFOS.set(schema, { expected, ...extra });
  return schema;
}

/** The words given to a schema with {@link described}, if any. */
export function fieldInfo(schema: object): FieldInfo | undefined {
  return INFOS.get(schema);
}

/**
 * What a refinement puts in its issue's `params` when it fails, so the
 * message says that rule rather than the field's general description:
 * `z.number().refine(ok, { params: rule('at most 2147483647 ms') })`.
 */
export function rule(expected: string, detail?: string): { expected: string; detail?: string } {
  return detail === undefined ? { expected } : { expected, detail };
}

/**
 * What the schema of an options interface parses to: the interface, where an
 * optional key may also hold `undefined` ("not given", as documented).
 */
export type Parsed<T> = { [K in keyof T]: Record<never, never> extends Pick<T, K> ? T[K] | undefined : T[K] };

/**
 * The shape of an options schema: exactly one schema per key of the
 * interface, checked by the compiler (`shape satisfies ShapeOf<TaskOptions>`),
 * so the known-key list and the documented interface cannot drift apart.
 */
export type ShapeOf<T> = { readonly [K in keyof Required<T>]: z.ZodType };

/** The schema of a boolean option, described as the messages say it. */
export const aBoolean = (): z.ZodBoolean => described(z.boolean(), 'a boolean');
