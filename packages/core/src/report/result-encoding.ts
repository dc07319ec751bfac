import { DefaultDeserializer, serialize } from 'node:v8';
import { isBareBuiltin } from './bare-builtin.js';
import type { TaskReportEntry } from './types.js';

/**
 * How a successful entry's result travels in the report document, so that
 * resuming from the document gets back exactly what the task returned:
 * `json` when JSON holds it exactly; `v8` (node:v8 serialisation, base64)
 * when structured clone does (undefined, NaN, bigint, Date, Map, Set, typed
 * arrays, Buffers, shared references and cycles); `lossy` otherwise (class
 * instances, Errors, functions): the readable copy in `result` is all there
 * is, and resume refuses to reuse it.
 */
export type ResultEncoding = 'json' | 'v8' | 'lossy';

export interface EncodedResult {
  readonly encoding: ResultEncoding;
  /** base64 node:v8 serialisation, for `v8`. */
  readonly v8: string | null;
}

// Entries are frozen, so a result is encoded once however many checkpoints write it.
const encoded = new WeakMap<TaskReportEntry, EncodedResult>();

// Entries read back from a document whose result could not be carried exactly.
const lossy = new WeakSet<TaskReportEntry>();

export function encodeResult(entry: TaskReportEntry): EncodedResult {
  let found = encoded.get(entry);
  if (!found) {
    // Read back from a lossy document, the result is the readable copy: encoded again it would look
    // exact (a string is JSON), and a resume from the rewritten document would reuse the copy as the value.
    found = lossy.has(entry) ? { encoding: 'lossy', v8: null } : encodeValue(entry.result);
    if (Object.isFrozen(entry)) encoded.set(entry, found);
  }
  return found;
}

function encodeValue(value: unknown): EncodedResult {
  try {
    if (isExactJson(value, new Set(), 0)) return { encoding: 'json', v8: null };
    if (!canCloneExactly(value)) return { encoding: 'lossy', v8: null };
    return { encoding: 'v8', v8: serialize(value).toString('base64') };
  } catch {
    // A Proxy's traps or a getter may throw while the value is looked at: only the readable copy is left.
    return { encoding: 'lossy', v8: null };
  }
}

/** The result a `v8` document field holds. Throws on bytes that are not a v8 serialisation. */
export function decodeV8Result(base64: string): unknown {
  const deserializer = new OwnBuffersDeserializer(Buffer.from(base64, 'base64'));
  deserializer.readHeader();
  return deserializer.readValue();
}

/**
 * node:v8's own deserializer makes each typed array a view over the bytes it
 * reads (or over pooled memory), so `.buffer` would show the rest of the
 * document's bytes, or other data of the process: each view gets an
 * ArrayBuffer of its own, as the task's did.
 */
class OwnBuffersDeserializer extends DefaultDeserializer {
  _readHostObject(): ArrayBufferView {
    // Not in @types/node, but node:v8's documented hook: what DefaultDeserializer itself reads.
    const own = DefaultDeserializer.prototype as unknown as { _readHostObject(this: unknown): ArrayBufferView };
    const read = own._readHostObject.call(this);
    const copy = new ArrayBuffer(read.byteLength);
    new Uint8Array(copy).set(new Uint8Array(read.buffer, read.byteOffset, read.byteLength));
    if (Buffer.isBuffer(read)) return Buffer.from(copy);
    if (read instanceof DataView) return new DataView(copy);
    const View = read.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
    return new View(copy);
  }
}

/** Marks a (frozen) entry read from a document as holding only a lossy copy of its result. */
export function markLossyResult(entry: TaskReportEntry): void {
  lossy.add(entry);
}

/** Whether the entry's result is only a readable copy of what the task returned. */
export function hasLossyResult(entry: TaskReportEntry): boolean {
  return lossy.has(entry);
}

/**
 * Matches what the JSON writer keeps as is (toJsonSafe cuts at 64 levels).
 * An object met twice (a shared reference, or a cycle) is not: JSON would
 * write two copies, and v8 serialisation keeps it one object.
 */
function isExactJson(value: unknown, seen: Set<object>, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (seen.has(value) || depth >= 64) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || !hasOnlyItems(value)) return false;
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i) || !isExactJson(value[i], seen, depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || !hasOnlyEnumerableKeys(value)) return false;
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !('value' in descriptor) || !isExactJson(descriptor.value, seen, depth + 1)) return false;
  }
  return true;
}

/** An array with nothing but its items (and `length`): no named property JSON and a clone would drop. */
function hasOnlyItems(array: readonly unknown[]): boolean {
  const keys = Reflect.ownKeys(array);
  if (keys.length > array.length + 1) return false;
  return keys.every((key) => key === 'length' || (typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key)));
}

/** An object whose own keys are all enumerable strings: what both JSON and a structured clone copy. */
function hasOnlyEnumerableKeys(object: object): boolean {
  return Reflect.ownKeys(object).length === Object.keys(object).length;
}

/** Whether structured clone (v8 serialisation) gives back an equal value with the same types; never throws. */
export function canCloneExactly(value: unknown): boolean {
  try {
    return isCloneExact(value, new Set());
  } catch {
    return false; // a Proxy trap threw
  }
}

function isCloneExact(value: unknown, seen: Set<object>): boolean {
  if (typeof value === 'function' || typeof value === 'symbol') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (seen.has(value)) return true; // v8 serialisation keeps shared references and cycles
  seen.add(value);
  // A clone keeps a built-in's internal state only: not a subclass, nor properties of its own.
  if (value instanceof Date || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return isBareBuiltin(value);
  if (value instanceof RegExp) return isBareBuiltin(value) && value.lastIndex === 0;
  if (value instanceof Map) {
    if (!isBareBuiltin(value)) return false;
    for (const [key, item] of value) if (!isCloneExact(key, seen) || !isCloneExact(item, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    if (!isBareBuiltin(value)) return false;
    for (const item of value) if (!isCloneExact(item, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value) ? proto !== Array.prototype || !hasOnlyItems(value) : proto !== Object.prototype) {
    return false;
  }
  if (!Array.isArray(value) && !hasOnlyEnumerableKeys(value)) return false;
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !('value' in descriptor) || !isCloneExact(descriptor.value, seen)) return false;
  }
  return true;
}
