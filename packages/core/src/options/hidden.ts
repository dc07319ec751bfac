import { InvalidOptionError } from '../errors/errors.js';

/** What `received` holds when the value may be a credential. */
export const HIDDEN_VALUE = '[hidden]';

/**
 * An `InvalidOptionError` that says what kind of value was given but not the
 * value, e.g. ``expected `secret` to be a non-empty string, got a number (the
 * value is not shown)``. `given` is that kind in words (`kindOf(value)`, or
 * something more telling such as `a URL with credentials`).
 */
export function hiddenValueError(
  where: string,
  field: string,
  expected: string,
  given: string,
  taskName?: string,
): InvalidOptionError {
  return new InvalidOptionError(
    where,
    field,
    expected,
    HIDDEN_VALUE,
    taskName,
    undefined,
    `${given} (the value is not shown)`,
  );
}
