import { deserialize, serialize } from 'node:v8';
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

export function encodeResult(entry: TaskReportEntry): EncodedResult {
  let found = encoded.get(entry);
  if (!found) {
    found = encodeValue(entry.result);
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
  return deserialize(Buffer.from(base64, 'base64'));
}

// Entries read back from a document whose result could not be carried exactly.
const lossy = new WeakSet<TaskReportEntry>();

/** Marks a (frozen) entry read from a document as holding only a lossy copy of its result. */
export function markLossyResult(entry: TaskReportEntry): void {
  lossy.add(entry);
}

/** Whether the entry's result is only a readable copy of what the task returned. */
export function hasLossyResult(entry: TaskReportEntry): boolean {
  return lossy.has(entry);
}

/** Matches what the JSON writer keeps as is (toJsonSafe cuts at 64 levels). */
function isExactJson(value: unknown, ancestors: Set<object>, depth: number): boolean {
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
  if (ancestors.has(value) || depth >= 64) return false;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      for (let i = 0; i < value.length; i++) {
        if (!Object.hasOwn(value, i) || !isExactJson(value[i], ancestors, depth + 1)) return false;
      }
      return true;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !('value' in descriptor) || !isExactJson(descriptor.value, ancestors, depth + 1)) return false;
    }
    return Object.getOwnPropertySymbols(value).length === 0;
  } finally {
    ancestors.delete(value);
  }
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
  if (value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer) return true;
  if (ArrayBuffer.isView(value)) return Buffer.isBuffer(value) || isPlainView(value);
  if (value instanceof Map) {
    if (Object.getPrototypeOf(value) !== Map.prototype) return false;
    for (const [key, item] of value) if (!isCloneExact(key, seen) || !isCloneExact(item, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    if (Object.getPrototypeOf(value) !== Set.prototype) return false;
    for (const item of value) if (!isCloneExact(item, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value) ? proto !== Array.prototype : proto !== Object.prototype) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !('value' in descriptor) || !isCloneExact(descriptor.value, seen)) return false;
  }
  return true;
}

function isPlainView(view: ArrayBufferView): boolean {
  if (view instanceof DataView) return Object.getPrototypeOf(view) === DataView.prototype;
  return Object.getPrototypeOf(Object.getPrototypeOf(view)) === Object.getPrototypeOf(Uint8Array.prototype);
}
