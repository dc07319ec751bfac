// `@processes/core/internal`: building blocks the sibling packages share
// (report-html, the channels, the CLI). Not part of the public API of
// `processes`; it may change without notice.

export { closestName, describeReceived } from './errors/errors.js';
export { readSafely, setOwn } from './logging/json-safe.js';
export type { FieldSpec } from './options/validation.js';
export {
  checkField,
  checkOptions,
  HIDDEN_VALUE,
  hiddenValueError,
  isPlainObject,
  kindOf,
  plainObject,
  spec,
} from './options/validation.js';
