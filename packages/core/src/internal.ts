// `processes-core/internal`: building blocks the sibling packages share
// (report-html, the channels, the CLI). Not part of the public API of
// `processes`; it may change without notice.

export { closestName } from './errors/errors.js';
export { emitProcessesWarning, WARNING_TYPE, WarningCode } from './errors/warnings.js';
// Which argument of an attempt structured clone cannot copy, named as a local pool names it (the BullMQ executor).
export { uncloneableArgument } from './executors/worker/argument-check.js';
// How a worker thread imports a task module (TypeScript through tsx); `processes validate` loads modules the same way.
export { importModule as importTaskModule } from './executors/worker/typescript-import.js';
// mkdir -p that fails where Node's recursive mkdir would spin (procfs); the CLI's output files.
export { makeDirectory } from './files/make-directory.js';
export type { DurationStyle } from './format/duration.js';
export { formatDuration } from './format/duration.js';
export { readSafely, setOwn } from './logging/json-safe.js';
export type { BackoffOptions } from './options/backoff.js';
export { BACKOFF_DEFAULTS, backoffDelayMs, backoffSchema, retryDelayMsSchema, timerMs } from './options/backoff.js';
export { describeReceived, describeValueInProse, kindOf } from './options/describe-value.js';
export type { FieldInfo, Parsed, ShapeOf } from './options/field.js';
export { described, rule } from './options/field.js';
export { HIDDEN_VALUE, hiddenValueError } from './options/hidden.js';
export { MAX_TIMER_EXPECTED, MAX_TIMER_MS } from './options/limits.js';
export type { ParseSite } from './options/parse.js';
export { checkValue, isPlainObject, parseOptions, plainObject } from './options/parse.js';
export type { ContentFlags, ReportContentOption } from './options/report-content-option.js';
export { reportContentOptionSchema, toContentFlags, toReportContent } from './options/report-content-option.js';
export type { OptionSite } from './options/translate.js';
