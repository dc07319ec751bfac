// The public API of @processes/core. Anything not listed here is internal.
export type { ReportChannel, SendOptions } from './channel.js';
export type { TaskContext } from './context.js';
export { runInTaskContext, taskContext } from './context.js';
export type { TimeoutEnding } from './errors.js';
export {
  CircularDependencyError,
  DependencyNotFoundError,
  DuplicateDependencyError,
  DuplicateTaskError,
  InvalidOptionError,
  LogFileError,
  NoExecutorError,
  NoTaskContextError,
  PoolClosedError,
  ProcessesError,
  ReportFormatError,
  RunAbortedError,
  SelfDependencyError,
  TaskNotFoundError,
  TaskStillRequiredError,
  TaskTimeoutError,
  UnknownOptionError,
  WorkerCrashError,
  WorkerExitError,
  WorkerExportNotFoundError,
  WorkerModuleLoadError,
  WorkerOutOfMemoryError,
} from './errors.js';
export type { RunEvent, RunEventType } from './events.js';
export { MainThreadExecutor } from './executors/main-thread.js';
export type {
  ArgumentPath,
  AttemptOutcome,
  AttemptRequest,
  ExecuteOptions,
  Executor,
  LogLevel,
  LogSink,
  MainThreadTaskSpec,
  TaskSpec,
  WorkerTaskSpec,
} from './executors/types.js';
export type { WorkerPoolOptions } from './executors/worker-pool.js';
export { WorkerPool } from './executors/worker-pool.js';
export type { JsonValue } from './json-safe.js';
export { toJsonSafe } from './json-safe.js';
export type { NotifyOptions, NotifyOutcome } from './notify.js';
export type { ProcessOptions, RunOptions } from './process.js';
export { Process } from './process.js';
export type { RenderLimits } from './render-value.js';
export { renderValue } from './render-value.js';
export type { ErrorData, ReportInit, TaskReportEntry } from './report.js';
export { ProcessExecutionReport } from './report.js';
export type { ReportContentOptions, ReportContentPreset } from './report-content.js';
export { ReportContent } from './report-content.js';
export type { EntryDocument, ErrorDocument, ReportDocument, ThrownDocument } from './report-json.js';
export { REPORT_SCHEMA_VERSION } from './report-json.js';
export type { BackoffOptions, ErrorClass, RetryOn } from './retry.js';
export { DEFAULT_RETRY_CODES } from './retry.js';
export type { SerializedError } from './serialize-error.js';
export { formatTraceback, serializeError } from './serialize-error.js';
export { TaskStatus } from './status.js';
export type { TaskDependencyOptions, TaskFunction, TaskOptions, TaskTarget } from './task.js';
export { Task, TaskDependency } from './task.js';
export type { TracedVarsSnapshot } from './traced-vars.js';
export { WorkerTaskRef, workerTask } from './worker-task.js';
