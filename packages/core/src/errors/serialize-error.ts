import { type JsonValue, readSafely, toJsonSafe } from '../logging/json-safe.js';
import { describeThrown, renderValue } from '../logging/render-value.js';

/**
 * Anything a task threw, as plain data: it crosses threads by structured
 * clone, serialises to JSON, and keeps what retry matching and reports need.
 */
export interface SerializedError {
  /** `error.name`, or `NonError` when the thrown value was not an Error. */
  name: string;
  /** `error.message`, or a rendering of the thrown value. */
  message: string;
  stack?: string;
  /** `error.code` when it is a string or number (`ECONNRESET`, `PROC_TASK_TIMEOUT`, …). */
  code?: string;
  /**
   * Constructor names along the prototype chain, most derived first
   * (`['TaskTimeoutError', 'ProcessesError', 'Error']`). `retryOn: [MyError]`
   * matches by these names, so it works for errors thrown in other threads.
   */
  classChain: string[];
  cause?: SerializedError;
  /** The errors of an AggregateError. */
  errors?: SerializedError[];
  /** The error's other own enumerable properties, made JSON-safe. */
  props?: Record<string, JsonValue>;
  /** True when something other than an Error was thrown (a string, an object, `undefined`). */
  nonError?: boolean;
}

const MAX_CAUSE_DEPTH = 8;
const MAX_PROPS = 50;
/**
 * Characters kept of an error's name, message, stack and code. A report
 * holds a message up to three times (`exception`, `traceback_str`,
 * `thrown.message`), so a thrown 200 MB string made a report that
 * `JSON.stringify` could not write at all (V8's string limit), and every
 * cut-down copy still crosses threads and lands in every channel.
 */
const MAX_ERROR_TEXT_LENGTH = 100_000;
const STANDARD_KEYS = new Set(['name', 'message', 'stack', 'cause', 'code', 'errors']);

/** Turns any thrown value into a {@link SerializedError}. Never throws. */
export function serializeError(thrown: unknown): SerializedError {
  try {
    return serialize(thrown, new Set(), 0);
  } catch (error) {
    // Executors call this in a rejection handler: if it threw, the attempt would never settle.
    return { name: 'NonError', message: `<unserializable: ${describeThrown(error)}>`, classChain: [], nonError: true };
  }
}

function serialize(thrown: unknown, seen: Set<unknown>, depth: number): SerializedError {
  if (!isError(thrown)) return serializeNonError(thrown);
  seen.add(thrown);
  const out: SerializedError = {
    name: bounded(safeString(() => thrown.name, 'Error')),
    message: bounded(safeString(() => thrown.message, '')),
    classChain: classChainOf(thrown),
  };
  const stack = safeRead(() => thrown.stack);
  if (typeof stack === 'string') out.stack = bounded(stack);
  const code = safeRead(() => (thrown as { code?: unknown }).code);
  if (typeof code === 'string' || typeof code === 'number') out.code = bounded(String(code));
  const cause = safeRead(() => thrown.cause);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH && !seen.has(cause)) {
    out.cause = serialize(cause, seen, depth + 1);
  }
  const errors = safeRead(() => (thrown as { errors?: unknown }).errors);
  if (Array.isArray(errors) && depth < MAX_CAUSE_DEPTH) {
    out.errors = errors.slice(0, 20).map((inner) => serialize(inner, seen, depth + 1));
  }
  const props = ownProps(thrown);
  if (props) out.props = props;
  return out;
}

function serializeNonError(thrown: unknown): SerializedError {
  const out: SerializedError = {
    name: 'NonError',
    message: typeof thrown === 'string' ? bounded(thrown) : renderValue(thrown),
    classChain: [],
    nonError: true,
  };
  if (typeof thrown === 'object' && thrown !== null) {
    // Objects shaped like errors (`{ code, message }`) keep those fields usable.
    const message = safeRead(() => (thrown as { message?: unknown }).message);
    const code = safeRead(() => (thrown as { code?: unknown }).code);
    if (typeof message === 'string') out.message = bounded(message);
    if (typeof code === 'string' || typeof code === 'number') out.code = bounded(String(code));
    const props = ownProps(thrown);
    if (props) out.props = props;
  }
  return out;
}

function classChainOf(error: Error): string[] {
  const chain: string[] = [];
  let proto: unknown = Object.getPrototypeOf(error);
  while (proto && proto !== Object.prototype && chain.length < 32) {
    const name = safeRead(() => (proto as { constructor?: { name?: unknown } }).constructor?.name);
    if (typeof name === 'string' && name && chain.at(-1) !== name) chain.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

function ownProps(value: object): Record<string, JsonValue> | undefined {
  let keys: PropertyKey[];
  try {
    const symbols = Object.getOwnPropertySymbols(value).filter((s) =>
      Object.prototype.propertyIsEnumerable.call(value, s),
    );
    keys = [...Object.keys(value).filter((key) => !STANDARD_KEYS.has(key)), ...symbols];
  } catch {
    return undefined;
  }
  if (keys.length === 0) return undefined;
  // Gathered into one object so toJsonSafe names symbol keys as it does everywhere (`[Symbol(x)]`).
  const picked: Record<PropertyKey, unknown> = {};
  for (const key of keys.slice(0, MAX_PROPS)) {
    Object.defineProperty(picked, key, { value: readSafely(value, key), enumerable: true });
  }
  return toJsonSafe(picked) as Record<string, JsonValue>;
}

/**
 * The human-readable traceback of a serialised error: its stack, then each
 * cause as `Caused by: …`, like Python's chained tracebacks.
 */
export function formatTraceback(error: SerializedError): string {
  const parts: string[] = [];
  let current: SerializedError | undefined = error;
  for (let depth = 0; current && depth <= MAX_CAUSE_DEPTH; depth++) {
    const head = current.stack ?? `${current.name}: ${current.message}`;
    const note = current.nonError ? '\n    (a value that is not an Error was thrown, so there is no stack trace)' : '';
    parts.push(depth === 0 ? head + note : `Caused by: ${head}${note}`);
    for (const inner of current.errors ?? []) {
      parts.push(`  [aggregated] ${(inner.stack ?? `${inner.name}: ${inner.message}`).replace(/\n/g, '\n  ')}`);
    }
    current = current.cause;
  }
  return parts.join('\n\n');
}

/** Every error in the cause chain, the error itself first. */
export function causeChain(error: SerializedError): SerializedError[] {
  const chain: SerializedError[] = [];
  for (let current: SerializedError | undefined = error; current; current = current.cause) {
    chain.push(current);
  }
  return chain;
}

/** `instanceof Error`, which runs a Proxy's getPrototypeOf trap, without letting the trap throw. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** `text` cut to {@link MAX_ERROR_TEXT_LENGTH} characters, saying how many were left out. */
function bounded(text: string): string {
  if (text.length <= MAX_ERROR_TEXT_LENGTH) return text;
  // Never between the two halves of a surrogate pair.
  const last = text.charCodeAt(MAX_ERROR_TEXT_LENGTH - 1);
  const cut = last >= 0xd800 && last <= 0xdbff ? MAX_ERROR_TEXT_LENGTH - 1 : MAX_ERROR_TEXT_LENGTH;
  return `${text.slice(0, cut)}… [${text.length - cut} more characters]`;
}

function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function safeString(read: () => unknown, fallback: string): string {
  const value = safeRead(read);
  if (value === undefined || value === null) return fallback;
  // String() calls the value's own toString, which may throw as a getter may: only this field falls back,
  // or the whole error (its class chain, stack, code) would be lost to `<unserializable: …>`.
  return safeRead(() => String(value)) ?? fallback;
}
