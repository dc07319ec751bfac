// The one place that says, in words, what value was given. Every package's
// messages use these (through `processes-core/internal`), so "got ..." reads
// the same everywhere. Nothing here reads a property that may be inherited or
// may throw: these run on values a user or an attacker handed us.

/**
 * A rejected value for an error message: short, typed, unambiguous, e.g.
 * `` `-1` (number) ``, `` `"30"` (string) ``, `an array of length 2`,
 * `a function named \`load\``, `an object (Map)`.
 */
export function describeReceived(value: unknown): string {
  if (value === undefined) return '`undefined`';
  if (value === null) return '`null`';
  switch (typeof value) {
    case 'string':
      return `\`${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}\` (string)`;
    case 'number':
    case 'boolean':
      return `\`${String(value)}\` (${typeof value})`;
    case 'bigint':
      return `\`${value}n\` (bigint)`;
    case 'symbol':
      return `\`${value.toString()}\` (symbol)`;
    case 'function':
      return functionName(value) ? `a function named \`${functionName(value)}\`` : 'an anonymous function';
    default:
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      return `an object (${className(value) ?? 'null prototype'})`;
  }
}

/**
 * The kind of a value without its content, for values that may be secrets:
 * `a number`, `an empty string`, `an array`, `an object (Buffer)`.
 */
export function kindOf(value: unknown): string {
  if (value === null) return '`null`';
  if (value === undefined) return '`undefined`';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${className(value) ?? 'null prototype'})`;
  return `a ${typeof value}`;
}

/**
 * The command line's wording, which reads as prose after a semicolon:
 * `a number (42)`, `a string ("x")`, `a Map object`, `an object`, `undefined`.
 * Kept beside {@link describeReceived} so the two stay one family; the CLI's
 * messages are documented with this form.
 */
export function describeValueInProse(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `a ${typeof value} (${String(value)})`;
    case 'function':
      return `a function${functionName(value) ? ` (${functionName(value)})` : ''}`;
    case 'object': {
      const name = className(value);
      return name && name !== 'Object' ? `a ${name} object` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}

/**
 * The name of an object's class from its prototype's own `constructor`, or
 * `undefined` (null prototype, a Proxy whose traps throw, a nameless class).
 */
function className(value: object): string | undefined {
  try {
    // The nearest prototype that names its constructor; bounded, since a Proxy can fake any chain.
    let proto: unknown = Object.getPrototypeOf(value);
    for (let depth = 0; depth < 16 && proto !== null && typeof proto === 'object'; depth++) {
      const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
      if (typeof ctor === 'function') {
        const name: unknown = Object.getOwnPropertyDescriptor(ctor, 'name')?.value;
        return typeof name === 'string' && name !== '' ? name : undefined;
      }
      proto = Object.getPrototypeOf(proto);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

function functionName(fn: object): string {
  try {
    const name = Object.getOwnPropertyDescriptor(fn, 'name')?.value;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
