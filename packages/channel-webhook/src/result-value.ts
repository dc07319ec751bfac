import { type JsonValue, renderValue } from 'processes-core';
import { setOwn } from 'processes-core/internal';

const MAX_DEPTH = 64;
const NOT_JSON = Symbol('not JSON');

/**
 * A task's result as it goes on the wire: a copy of the value itself when it
 * is plain JSON (null, booleans, finite numbers, strings, arrays and plain
 * objects of those), otherwise a readable rendering (`123n`,
 * `Map(1) { 'a' => 1 }`, `Order { id: 1 }`, and values holding `-0` or
 * symbol-keyed properties, which JSON would lose). `undefined` (a task that
 * returned nothing) becomes `null`; object properties that are `undefined`
 * are left out, as `JSON.stringify` does. Never throws.
 */
export function resultValue(value: unknown): JsonValue {
  if (value === undefined) return null;
  const copy = copyJson(value, new Set(), 0);
  return copy === NOT_JSON ? renderValue(value) : copy;
}

// The copy is what gets serialised, so getters run once, here, and a getter
// that throws turns the whole result into its rendering instead of escaping.
function copyJson(value: unknown, seen: Set<object>, depth: number): JsonValue | typeof NOT_JSON {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // -0 would be written as 0: the rendering keeps it.
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_JSON;
    case 'object':
      break;
    default:
      return NOT_JSON;
  }
  if (value === null) return null;
  if (seen.has(value) || depth >= MAX_DEPTH) return NOT_JSON;
  seen.add(value);
  try {
    if (Array.isArray(value)) return copyArray(value, seen, depth);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return NOT_JSON;
    // JSON has no symbol keys: the rendering shows them instead of dropping them.
    if (Object.getOwnPropertySymbols(value).some((s) => Object.prototype.propertyIsEnumerable.call(value, s))) {
      return NOT_JSON;
    }
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      const copy = copyJson(item, seen, depth + 1);
      if (copy === NOT_JSON) return NOT_JSON;
      setOwn(out, key, copy);
    }
    return out;
  } catch {
    return NOT_JSON;
  } finally {
    seen.delete(value);
  }
}

function copyArray(value: readonly unknown[], seen: Set<object>, depth: number): JsonValue[] | typeof NOT_JSON {
  const out: JsonValue[] = [];
  for (let i = 0; i < value.length; i++) {
    // A hole or `undefined` would become `null`: not the value the task returned.
    if (!(i in value)) return NOT_JSON;
    const copy = copyJson(value[i], seen, depth + 1);
    if (copy === NOT_JSON) return NOT_JSON;
    out.push(copy);
  }
  return out;
}
