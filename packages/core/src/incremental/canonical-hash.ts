import { createHash, type Hash } from 'node:crypto';
import { reasonText, UnhashableInputError } from '../errors/errors.js';
import { isBareBuiltin } from '../report/bare-builtin.js';

/**
 * How deep a value may nest before hashing refuses it: far beyond real data,
 * and well inside the stack (the walk recurses).
 */
const MAX_DEPTH = 256;

/**
 * The sha256 (hex) of a canonical, type-tagged encoding of `value`: equal
 * data hashes equal whatever the key order of its objects or the insertion
 * order of its Maps and Sets, and values that merely print alike do not
 * (`1` and `'1'`, `[]` and `{}`, `-0` and `0`, a Date and its ISO string).
 *
 * Anything whose content it cannot see is refused with
 * {@link UnhashableInputError} naming `taskName` and the path inside
 * `field`: functions, symbols, class instances, Errors, WeakMaps, Promises,
 * boxed primitives, symbol-keyed properties, getters, cycles. A silently
 * skipped field would make two different inputs share one key.
 */
export function hashValue(value: unknown, taskName: string, field: string): string {
  const hash = createHash('sha256');
  try {
    encode(hash, value, { taskName, ancestors: new Set() }, field, 0);
  } catch (error) {
    if (error instanceof UnhashableInputError) throw error;
    throw new UnhashableInputError(taskName, field, `it threw when it was read (${reasonText(error)})`);
  }
  return hash.digest('hex');
}

/** The sha256 (hex) of strings joined unambiguously (each is length-prefixed). */
export function hashParts(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part};`);
  return hash.digest('hex');
}

interface Walk {
  readonly taskName: string;
  /** The objects on the path from the root: meeting one again is a cycle (a shared reference is not). */
  readonly ancestors: Set<object>;
}

function encode(hash: Hash, value: unknown, walk: Walk, path: string, depth: number): void {
  switch (typeof value) {
    case 'string':
      hash.update(`s${value.length}:`);
      hash.update(value);
      return;
    case 'number':
      hash.update(`n${Object.is(value, -0) ? '-0' : String(value)};`);
      return;
    case 'bigint':
      hash.update(`b${value.toString()};`);
      return;
    case 'boolean':
      hash.update(value ? 'T' : 'F');
      return;
    case 'undefined':
      hash.update('U');
      return;
    case 'symbol':
      throw refuse(walk, path, `a symbol (${String(value)})`);
    case 'function':
      throw refuse(walk, path, `a function (${value.name || 'anonymous'})`);
    default:
      break;
  }
  if (value === null) {
    hash.update('N');
    return;
  }
  const object = value as object;
  if (walk.ancestors.has(object)) throw refuse(walk, path, 'a cycle (the value contains itself)');
  if (depth >= MAX_DEPTH) throw refuse(walk, path, `nesting deeper than ${MAX_DEPTH} levels`);
  walk.ancestors.add(object);
  try {
    encodeObject(hash, object, walk, path, depth);
  } catch (error) {
    if (error instanceof UnhashableInputError) throw error;
    // A Proxy's trap or an exotic object threw while it was read: its content cannot be seen.
    throw refuse(walk, path, `an object that threw when it was read (${reasonText(error)})`);
  } finally {
    walk.ancestors.delete(object);
  }
}

function encodeObject(hash: Hash, object: object, walk: Walk, path: string, depth: number): void {
  if (Array.isArray(object)) {
    if (Object.getPrototypeOf(object) !== Array.prototype) throw refuse(walk, path, 'an Array subclass instance');
    hash.update(`A${object.length}[`);
    for (let i = 0; i < object.length; i++) {
      if (!Object.hasOwn(object, i)) hash.update('H');
      else encode(hash, ownData(object, String(i), walk, `${path}[${i}]`), walk, `${path}[${i}]`, depth + 1);
    }
    checkNoExtraKeys(object, object.length, walk, path);
    hash.update(']');
    return;
  }
  if (ArrayBuffer.isView(object)) {
    const kind = viewKind(object, walk, path);
    if (!isBareBuiltin(object)) throw refuse(walk, path, `a ${kind} with properties of its own`);
    const bytes = new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
    hash.update(`V${kind}:${bytes.byteLength}:`);
    hash.update(bytes);
    return;
  }
  if (isBuiltin(object) && !isBareBuiltin(object)) {
    const name = Object.prototype.toString.call(object).slice(8, -1);
    throw refuse(walk, path, `a ${name} of a subclass, or with properties of its own, which its content leaves out`);
  }
  if (object instanceof ArrayBuffer) {
    hash.update(`B${object.byteLength}:`);
    hash.update(new Uint8Array(object));
    return;
  }
  if (object instanceof Date) {
    hash.update(`D${object.getTime()};`);
    return;
  }
  if (object instanceof RegExp) {
    hash.update(`R${object.source.length}:${object.source}/${object.flags}@${object.lastIndex};`);
    return;
  }
  if (object instanceof URL) {
    hash.update(`L${object.href.length}:${object.href}`);
    return;
  }
  if (object instanceof Map) {
    // Insertion order is not content: entries are sorted by the hash of their key.
    const entries = [...object].map(([key, item], i) => [
      subHash(key, walk, `${path}<map key ${i}>`, depth),
      subHash(item, walk, `${path}.get(${describeKey(key)})`, depth),
    ]);
    entries.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    hash.update(`M${entries.length}{`);
    for (const [key, item] of entries) hash.update(`${key}=${item};`);
    hash.update('}');
    return;
  }
  if (object instanceof Set) {
    const items = [...object].map((item, i) => subHash(item, walk, `${path}<set item ${i}>`, depth)).sort();
    hash.update(`S${items.length}{${items.join(';')}}`);
    return;
  }
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const name = (object.constructor as { name?: unknown } | undefined)?.name;
    throw refuse(
      walk,
      path,
      `an instance of ${typeof name === 'string' && name ? name : 'a class'}, whose content cannot be seen`,
    );
  }
  if (Object.getOwnPropertySymbols(object).length > 0) throw refuse(walk, path, 'an object with symbol keys');
  const keys = Object.keys(object).sort();
  if (Object.getOwnPropertyNames(object).length !== keys.length) {
    throw refuse(walk, path, 'an object with non-enumerable properties');
  }
  hash.update(`O${keys.length}{`);
  for (const key of keys) {
    const at = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    hash.update(`s${key.length}:`);
    hash.update(key);
    encode(hash, ownData(object, key, walk, at), walk, at, depth + 1);
  }
  hash.update('}');
}

function subHash(value: unknown, walk: Walk, path: string, depth: number): string {
  const hash = createHash('sha256');
  encode(hash, value, walk, path, depth + 1);
  return hash.digest('hex');
}

/** A data property's value; a getter is refused rather than run (it may differ on every read). */
function ownData(object: object, key: string, walk: Walk, path: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  if (descriptor && !('value' in descriptor)) throw refuse(walk, path, 'a getter');
  return descriptor?.value;
}

function checkNoExtraKeys(array: readonly unknown[], length: number, walk: Walk, path: string): void {
  const keys = Reflect.ownKeys(array);
  if (
    keys.length > length + 1 ||
    keys.some((key) => key !== 'length' && !(typeof key === 'string' && /^\d+$/.test(key)))
  ) {
    throw refuse(walk, path, 'an array with extra named properties');
  }
}

/** The built-ins whose content is internal state, which {@link isBareBuiltin} vouches for. */
function isBuiltin(object: object): boolean {
  return (
    object instanceof ArrayBuffer ||
    object instanceof Date ||
    object instanceof RegExp ||
    object instanceof URL ||
    object instanceof Map ||
    object instanceof Set
  );
}

function viewKind(view: ArrayBufferView, walk: Walk, path: string): string {
  if (Buffer.isBuffer(view)) return 'Buffer';
  if (view instanceof DataView) return 'DataView';
  const name = Object.prototype.toString.call(view).slice(8, -1);
  if (Object.getPrototypeOf(Object.getPrototypeOf(view)) !== Object.getPrototypeOf(Uint8Array.prototype)) {
    throw refuse(walk, path, `a subclass of ${name}`);
  }
  return name;
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : typeof key === 'object' ? '<object>' : String(key);
}

function refuse(walk: Walk, path: string, reason: string): UnhashableInputError {
  return new UnhashableInputError(walk.taskName, path, `it is ${reason}`);
}
