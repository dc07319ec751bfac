// A structured clone and the content hash see a built-in object's internal
// state only (a Date's time, a Map's entries, a typed array's bytes): a
// subclass's methods, and properties added to the object, are dropped or
// unseen. Both ask here whether there is anything more than that state.

const TYPED_ARRAY_PROTOTYPE: object = Object.getPrototypeOf(Uint8Array.prototype) as object;

/** Views of up to this many elements are checked for named properties too; listing a larger one's keys lists every index. */
const VIEW_KEYS_CHECKED_UP_TO = 1024;

/**
 * Whether a built-in object (Date, RegExp, Map, Set, URL, ArrayBuffer, a
 * typed array, a DataView, a Buffer) is only that: an instance of the
 * built-in class itself, not of a subclass, with no property of its own but
 * the built-in's (a typed array's indices, a RegExp's `lastIndex`). A typed
 * array of over 1,024 elements is checked for symbol keys only: its named
 * properties cannot be listed without listing every index.
 */
export function isBareBuiltin(object: object): boolean {
  const proto = Object.getPrototypeOf(object) as object | null;
  if (ArrayBuffer.isView(object)) {
    if (object instanceof DataView) return proto === DataView.prototype && Reflect.ownKeys(object).length === 0;
    const standard = Buffer.isBuffer(object)
      ? proto === Buffer.prototype
      : proto !== null && Object.getPrototypeOf(proto) === TYPED_ARRAY_PROTOTYPE;
    if (!standard || Object.getOwnPropertySymbols(object).length > 0) return false;
    const { length } = object as unknown as { readonly length: number };
    return length > VIEW_KEYS_CHECKED_UP_TO || Reflect.ownKeys(object).length === length;
  }
  const brand = proto === null ? undefined : BRANDS.get(proto);
  if (brand === undefined || !hasBrand(object, brand)) return false;
  const keys = Reflect.ownKeys(object);
  if (proto === RegExp.prototype) return keys.length === 1 && keys[0] === 'lastIndex';
  return keys.length === 0;
}

/**
 * For each built-in prototype, a getter that throws unless its receiver
 * really is one (`Object.create(Date.prototype)` passes `instanceof Date`
 * but holds no time).
 */
const BRANDS: ReadonlyMap<object, (this: object) => unknown> = new Map<object, (this: object) => unknown>([
  [Date.prototype, Date.prototype.getTime as (this: object) => unknown],
  [RegExp.prototype, getter(RegExp.prototype, 'source')],
  [Map.prototype, getter(Map.prototype, 'size')],
  [Set.prototype, getter(Set.prototype, 'size')],
  [URL.prototype, getter(URL.prototype, 'href')],
  [ArrayBuffer.prototype, getter(ArrayBuffer.prototype, 'byteLength')],
]);

function getter(proto: object, name: string): (this: object) => unknown {
  return Object.getOwnPropertyDescriptor(proto, name)?.get as (this: object) => unknown;
}

function hasBrand(object: object, brand: (this: object) => unknown): boolean {
  try {
    brand.call(object);
    return true;
  } catch {
    return false;
  }
}
