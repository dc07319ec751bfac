import type { z } from 'zod';
import { InvalidOptionError, UnknownOptionError } from '../errors/errors.js';
import { kindOf } from './describe-value.js';
import { type FieldInfo, fieldInfo } from './field.js';
import { hiddenValueError } from './hidden.js';

type Issue = z.core.$ZodIssue;
type PathKey = string | number;

/** Where a rejected option sits, for messages: the call and the object's place in it. */
export interface OptionSite {
  /** Who checks, first in every message: `Task "load"`, `run()`, `SMTPConfig`. */
  readonly where: string;
  /** The task the options belong to, for the error's `taskName`. */
  readonly taskName?: string | undefined;
  /** Prefix of every field path (`retryDelayMs` for a backoff object checked on its own). */
  readonly path?: string | undefined;
  /** Builds the error for an invalid value instead of `InvalidOptionError` (a package's own subclass). */
  readonly invalid?: ((field: string, expected: string, received: unknown, hidden: boolean) => Error) | undefined;
}

/**
 * The first problem zod found, as the library's typed error: an
 * `UnknownOptionError` (with "did you mean") for a key no schema knows,
 * otherwise an `InvalidOptionError` that names the field, says what it must
 * be (the words given with `described()` or a failed `rule()`) and what was
 * given. Unknown keys come first: a misspelt `password` explains a missing
 * `pass`.
 */
export function toOptionError(site: OptionSite, schema: z.ZodType, input: unknown, issues: readonly Issue[]): Error {
  const first = issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
  const { issue, path } = settle(first, []);
  const field = fieldName(site.path, path);
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeysAt(schema, path);
    return new UnknownOptionError(site.where, field ? `${field}.${key}` : key, known, site.taskName);
  }
  const received = valueAt(input, path);
  const info = infoAt(schema, path);
  const params =
    issue?.code === 'custom' ? (issue.params as { expected?: unknown; detail?: unknown } | undefined) : undefined;
  const expected = typeof params?.expected === 'string' ? params.expected : (info?.expected ?? 'valid');
  const detail = typeof params?.detail === 'string' ? params.detail : undefined;
  const name = field || 'options';
  if (info?.fail && params?.expected === undefined) return info.fail(site.where, name, received);
  const hidden = info?.hidden === true;
  if (site.invalid) return site.invalid(name, expected, received, hidden);
  if (hidden) return hiddenValueError(site.where, name, expected, kindOf(received), site.taskName);
  return new InvalidOptionError(site.where, name, expected, received, site.taskName, detail);
}

/**
 * Follows a union's failure into the branch the value was meant for: the
 * first branch with an issue {@link meantForBranch} (so
 * `retryDelayMs: { factor: 0.5 }` names `retryDelayMs.factor`, and
 * `to: ['ok@x.test', 'bad']` names `to[1]`). When every branch refused the
 * type, the union itself is the problem.
 */
function settle(issue: Issue | undefined, base: readonly PathKey[]): { issue: Issue | undefined; path: PathKey[] } {
  const path = [...base, ...keysOf(issue?.path ?? [])];
  if (issue?.code !== 'invalid_union') return { issue, path };
  for (const branch of issue.errors) {
    if (branch.some(meantForBranch)) {
      return settle(branch.find((i) => i.code === 'unrecognized_keys') ?? branch[0], path);
    }
  }
  return { issue, path };
}

/**
 * Whether an issue says the value was of the branch's kind but wrong inside
 * or out of range, rather than simply not of that kind (the wrong type, not
 * one of an enum's values, refused by a plain type guard).
 */
function meantForBranch(issue: Issue): boolean {
  if (issue.path.length > 0) return true;
  if (issue.code === 'invalid_type' || issue.code === 'invalid_value') return false;
  return issue.code !== 'custom' || issue.params !== undefined;
}

function keysOf(path: readonly PropertyKey[]): PathKey[] {
  return path.filter((key): key is PathKey => typeof key !== 'symbol');
}

/** `retryDelayMs.factor`, `to[1]`, `headers.X-Api-Key`. */
function fieldName(prefix: string | undefined, path: readonly PathKey[]): string {
  let out = prefix ?? '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out;
}

/** The value at `path`, through own properties only (an inherited one was never given). */
function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    try {
      value = (value as Record<PathKey, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return value;
}

// Walking schemas by zod's `_zod.def` (its documented surface for library
// authors), not by `instanceof`, so schemas from another copy of zod work.
interface Def {
  readonly type: string;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly left?: z.core.$ZodType;
  readonly right?: z.core.$ZodType;
  readonly getter?: () => z.core.$ZodType;
}

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** The schema and the ones it wraps (`.optional()`, `.nullable()`, `.default()`, a pipe's input, …), outermost first. */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType[] {
  const chain = [schema];
  for (let current = schema, depth = 0; depth < 16; depth++) {
    const def = defOf(current);
    const next = def.type === 'lazy' ? def.getter?.() : (def.innerType ?? (def.type === 'pipe' ? def.in : undefined));
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return chain;
}

/** The schemas that check the value under `key` of a value `schema` checks. */
function children(schema: z.core.$ZodType, key: PathKey): z.core.$ZodType[] {
  const out: z.core.$ZodType[] = [];
  for (const layer of unwrapped(schema)) {
    const def = defOf(layer);
    if (def.type === 'object' && typeof key === 'string' && def.shape && Object.hasOwn(def.shape, key)) {
      out.push(def.shape[key] as z.core.$ZodType);
    } else if (def.type === 'array' && typeof key === 'number' && def.element) out.push(def.element);
    else if (def.type === 'record' && def.valueType) out.push(def.valueType);
    else if (def.type === 'union') for (const option of def.options ?? []) out.push(...children(option, key));
    else if (def.type === 'intersection' && def.left && def.right) {
      out.push(...children(def.left, key), ...children(def.right, key));
    }
  }
  return out;
}

function describedIn(level: readonly z.core.$ZodType[]): FieldInfo | undefined {
  for (const schema of level) {
    for (const layer of unwrapped(schema)) {
      const info = fieldInfo(layer);
      if (info) return info;
    }
  }
  return undefined;
}

/** The innermost words along `path`: a nested field's own, else its parent's. */
function infoAt(root: z.ZodType, path: readonly PathKey[]): FieldInfo | undefined {
  let level: z.core.$ZodType[] = [root];
  let found = describedIn(level);
  for (const key of path) {
    level = level.flatMap((schema) => children(schema, key));
    found = describedIn(level) ?? found;
  }
  return found;
}

/** The keys the object schema at `path` knows, in declaration order. */
function knownKeysAt(root: z.ZodType, path: readonly PathKey[]): string[] {
  let level: z.core.$ZodType[] = [root];
  for (const key of path) level = level.flatMap((schema) => children(schema, key));
  for (const schema of level) {
    for (const layer of unwrapped(schema)) {
      const def = defOf(layer);
      if (def.type === 'object' && def.shape) return Object.keys(def.shape);
      if (def.type === 'union') {
        for (const option of def.options ?? []) {
          const keys = knownKeysAt(option as z.ZodType, []);
          if (keys.length > 0) return keys;
        }
      }
    }
  }
  return [];
}
