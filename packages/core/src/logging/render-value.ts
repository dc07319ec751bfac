import { inspect } from 'node:util';
import { REDACTED, type Redaction } from './redaction.js';

/** Bounds for rendering a value as readable text (traced variables, log lines, webhook results). */
export interface RenderLimits {
  /** How deep nested objects are shown. @default 3 */
  depth?: number;
  /** Items shown per array, Set or Map. @default 50 */
  maxItems?: number;
  /** Characters shown per string inside the value. @default 1000 */
  maxStringLength?: number;
  /** Characters in the whole rendering; longer output is cut with `…`. @default 4000 */
  maxLength?: number;
  /** @internal Values under these key names (at any depth shown) are rendered `[redacted]`; set by the report writer. */
  redaction?: Redaction;
}

const DEFAULT_LIMITS: Required<Omit<RenderLimits, 'redaction'>> = {
  depth: 3,
  maxItems: 50,
  maxStringLength: 1000,
  maxLength: 4000,
};

/**
 * Renders any value as bounded, readable JavaScript-like text, the port's
 * stand-in for Python's `repr`. It never throws: a value whose rendering
 * throws (a hostile getter or Proxy) becomes `<unrenderable: …>`.
 */
export function renderValue(value: unknown, limits: RenderLimits = {}): string {
  const { depth, maxItems, maxStringLength, maxLength } = { ...DEFAULT_LIMITS, ...limits };
  let text: string;
  try {
    const shown = limits.redaction ? redacted(value, limits.redaction, depth + 1, maxItems) : value;
    text = inspect(shown, {
      depth,
      maxArrayLength: maxItems,
      maxStringLength,
      breakLength: Number.POSITIVE_INFINITY,
      compact: true,
      getters: false,
      customInspect: false,
    });
  } catch (error) {
    return `<unrenderable: ${describeThrown(error)}>`;
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * A copy of `value`, as deep as it will be shown, with the values under
 * redacted key names replaced. Plain objects, class instances (prototype
 * kept, so the class name still shows), arrays and Maps are copied; anything
 * else is shown as it is.
 */
function redacted(value: unknown, redaction: Redaction, depth: number, maxItems: number): unknown {
  if (typeof value !== 'object' || value === null || depth < 0) return value;
  if (Array.isArray(value))
    return value.slice(0, maxItems).map((item) => redacted(item, redaction, depth - 1, maxItems));
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [key, item] of [...value].slice(0, maxItems)) {
      out.set(
        key,
        typeof key === 'string' && redaction.matches(key) ? REDACTED : redacted(item, redaction, depth - 1, maxItems),
      );
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === null;
  // A class instance is copied (prototype kept) only when one of its own keys must be hidden:
  // builtins with internal slots (URL, Date, …) have none and cannot be copied faithfully.
  if (!plain && !Object.keys(value).some((key) => redaction.matches(key))) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value).slice(0, maxItems)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = '<unreadable>';
    }
    out[key] = redaction.matches(key) ? REDACTED : redacted(item, redaction, depth - 1, maxItems);
  }
  return out;
}

/** @internal `Name: message` of something thrown (`type: value` for a non-Error); never throws itself. */
export function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : `${typeof error}: ${String(error)}`;
  } catch {
    return 'a value that cannot be read';
  }
}
