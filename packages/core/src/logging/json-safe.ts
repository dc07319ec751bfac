import { REDACTED, type Redaction } from './redaction.js';
import { describeThrown, renderValue } from './render-value.js';

/** A value JSON can hold exactly. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;
const MAX_BUFFER_BYTES = 32;

/**
 * Converts any value to one `JSON.stringify` can write without throwing and
 * without silently dropping it. JSON values pass through unchanged. Others
 * become JSON forms where one reads naturally (Date → ISO string, Map →
 * `[[key, value], …]`, Set → array, Error → `{ name, message, … }`) or
 * readable strings (`123n`, `[Function: load]`, `<Buffer 68 69>`, `[Circular]`).
 */
export function toJsonSafe(value: unknown, redaction?: Redaction): JsonValue {
  return convert(value, { seen: new Set(), redaction }, 0);
}

interface ConvertState {
  /** The objects on the path from the root: meeting one again is a cycle. */
  readonly seen: Set<object>;
  /** Keys whose values are written `[redacted]`, when given. */
  readonly redaction: Redaction | undefined;
}

/** `object[key] = value`, except that a `__proto__` key becomes an own property, not the prototype. */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

function convert(value: unknown, state: ConvertState, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON.stringify writes -0 as 0; like NaN and Infinity, it is kept as its name.
      if (Object.is(value, -0)) return '-0';
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return null;
    case 'symbol':
    case 'function':
      return renderValue(value);
    default:
      break;
  }
  if (value === null) return null;
  try {
    return convertObject(value as object, state, depth);
  } catch (error) {
    // A Proxy's traps (getPrototypeOf, ownKeys) run inside instanceof and Object.keys, and may throw.
    return `<unrenderable: ${describeThrown(error)}>`;
  }
}

function convertObject(object: object, state: ConvertState, depth: number): JsonValue {
  if (state.seen.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return renderValue(object, { depth: 0 });
  if (Buffer.isBuffer(object)) return bufferForm(object);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer || object instanceof SharedArrayBuffer) {
    return renderValue(object, { maxItems: 32 });
  }
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof RegExp || object instanceof WeakMap || object instanceof WeakSet) {
    return renderValue(object);
  }
  if (object instanceof Promise) return 'Promise { <pending or settled> }';
  state.seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => convert(item, state, depth + 1));
    if (object instanceof Map) {
      return [...object].map(([k, v]) => [
        convert(k, state, depth + 1),
        typeof k === 'string' && state.redaction?.matches(k) ? REDACTED : convert(v, state, depth + 1),
      ]);
    }
    if (object instanceof Set) return [...object].map((item) => convert(item, state, depth + 1));
    if (object instanceof Error) return errorForm(object, state, depth);
    const toJSON = readSafely(object, 'toJSON');
    if (typeof toJSON === 'function') {
      try {
        return convert(toJSON.call(object), state, depth + 1);
      } catch (error) {
        return `<unrenderable: toJSON threw ${error instanceof Error ? error.message : String(error)}>`;
      }
    }
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(object)) {
      setOwn(out, key, state.redaction?.matches(key) ? REDACTED : convert(readSafely(object, key), state, depth + 1));
    }
    addSymbolKeys(object, out, state, depth);
    return out;
  } finally {
    state.seen.delete(object);
  }
}

/** Node's own `<Buffer 68 69>` form, bounded (renderValue turns custom inspectors off, which loses it). */
function bufferForm(buffer: Buffer): string {
  const shown = buffer.subarray(0, MAX_BUFFER_BYTES);
  const bytes = Array.from(shown, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const more = buffer.length - shown.length;
  return `<Buffer ${bytes}${more > 0 ? ` ... ${more} more byte${more === 1 ? '' : 's'}` : ''}>`;
}

function errorForm(error: Error, state: ConvertState, depth: number): JsonValue {
  const out: Record<string, JsonValue> = { name: String(error.name), message: String(error.message) };
  for (const key of Object.keys(error)) {
    if (key !== 'stack') {
      setOwn(out, key, state.redaction?.matches(key) ? REDACTED : convert(readSafely(error, key), state, depth + 1));
    }
  }
  addSymbolKeys(error, out, state, depth);
  return out;
}

/**
 * JSON keys are strings, so an enumerable symbol-keyed property is written
 * under the key `[Symbol(description)]` (numbered on a clash) rather than
 * dropped; its description is matched for redaction like a name.
 */
function addSymbolKeys(object: object, out: Record<string, JsonValue>, state: ConvertState, depth: number): void {
  for (const symbol of Object.getOwnPropertySymbols(object)) {
    if (!Object.prototype.propertyIsEnumerable.call(object, symbol)) continue;
    const description = symbol.description ?? '';
    let key = `[${symbol.toString()}]`;
    for (let n = 2; Object.hasOwn(out, key); n++) key = `[${symbol.toString()}]#${n}`;
    const value = readSafely(object, symbol);
    setOwn(out, key, state.redaction?.matches(description) ? REDACTED : convert(value, state, depth + 1));
  }
}

/** @internal Reads a property; a getter that throws yields a marker instead of escaping. */
export function readSafely(object: object, key: PropertyKey): unknown {
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch (error) {
    return `<unreadable: ${error instanceof Error ? error.message : String(error)}>`;
  }
}
