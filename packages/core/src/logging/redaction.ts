/**
 * Names whose values never leave the process: traced variables with these
 * names, and keys with these names inside args and kwargs, are written as
 * `[redacted]` in report JSON, log files, email and webhook payloads.
 */
export const DEFAULT_REDACTED_NAMES: RegExp =
  /pass(word|wd)?|pwd|secret|token|api[-_]?key|authori[sz]ation|cookie|session|private[-_]?key|credential|bearer/i;

export const REDACTED = '[redacted]';

/** Names to redact besides the defaults: names (matched as case-insensitive substrings) or a RegExp. */
export type RedactOption = readonly string[] | RegExp;

/** A redaction rule as it crosses to a worker thread (RegExps do not survive structured clone intact). */
export interface RedactionWire {
  readonly source: string;
  readonly flags: string;
}

/** Decides which names are redacted: the defaults, plus the user's names or RegExp. */
export class Redaction {
  static readonly DEFAULT: Redaction = new Redaction(undefined);
  readonly #extra: RegExp | undefined;

  constructor(extra: RedactOption | RedactionWire | undefined) {
    if (extra === undefined) this.#extra = undefined;
    else if (extra instanceof RegExp) this.#extra = new RegExp(extra.source, extra.flags.replace(/[gy]/g, ''));
    else if (Array.isArray(extra)) {
      const names = (extra as readonly string[]).filter((name) => name !== '');
      this.#extra = names.length
        ? new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i')
        : undefined;
    } else {
      const wire = extra as RedactionWire;
      this.#extra = new RegExp(wire.source, wire.flags);
    }
  }

  /** True when a value under this name must not leave the process. */
  matches(name: string): boolean {
    return DEFAULT_REDACTED_NAMES.test(name) || (this.#extra?.test(name) ?? false);
  }

  /** The user's part, for a worker thread; undefined when only the defaults apply. */
  toWire(): RedactionWire | undefined {
    return this.#extra ? { source: this.#extra.source, flags: this.#extra.flags } : undefined;
  }
}

const MAX_REDACT_DEPTH = 32;

/**
 * `value` with every property under a redacted name replaced by
 * `[redacted]`, at any depth up to 32 levels: for the objects a task passes
 * to its logger (`log.info({ config }, '…')`) and the errors it logs, just
 * before pino writes them. Copy on write: an object without a redacted key
 * anywhere inside is returned as it is, and a copy keeps the prototype and
 * the non-enumerable own properties (an Error's `message` and `stack`), so
 * pino's serializers still recognise it.
 */
export function redactKeys<T>(value: T, redaction: Redaction): T {
  return redactAt(value, redaction, 0, new Set()) as T;
}

function redactAt(value: unknown, redaction: Redaction, depth: number, path: Set<object>): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_REDACT_DEPTH || path.has(value)) return value;
  path.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const clean = redactAt(item, redaction, depth + 1, path);
        if (clean !== item) {
          copy ??= [...value];
          copy[i] = clean;
        }
      });
      return copy ?? value;
    }
    let replaced: Map<PropertyKey, unknown> | undefined;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor?.enumerable || !('value' in descriptor)) continue;
      const name = typeof key === 'symbol' ? (key.description ?? '') : key;
      const clean = redaction.matches(name) ? REDACTED : redactAt(descriptor.value, redaction, depth + 1, path);
      if (clean === descriptor.value) continue;
      replaced ??= new Map();
      replaced.set(key, clean);
    }
    if (!replaced) return value;
    const copy = Object.create(Object.getPrototypeOf(value)) as object;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
      if (replaced.has(key)) descriptor.value = replaced.get(key);
      Object.defineProperty(copy, key, descriptor);
    }
    return copy;
  } catch {
    // A Proxy whose traps throw: pino's own safe stringify deals with it as it is.
    return value;
  } finally {
    path.delete(value);
  }
}
