// The public API of processes-core. Anything not listed here is internal.

export type {
  CacheKeyContext,
  RetryOnOomOptions,
  TaskDependencyOptions,
  TaskFunction,
  TaskOptions,
  TaskTarget,
  TriggerRule,
} from './definition/task.js';
export { Task, TaskDependency } from './definition/task.js';
export { WorkerTaskRef, workerTask } from './definition/worker-task.js';
export type { TimeoutEnding } from './errors/errors.js';
export {
  CircularDependencyError,
  DependencyNotFoundError,
  DuplicateDependencyError,
  DuplicateTaskError,
  InvalidOptionError,
  LogFileError,
  MapBatchResultError,
  MappedItemsFailedError,
  MapSourceNotArrayError,
  NoExecutorError,
  NoTaskContextError,
  PoolClosedError,
  PoolTooSmallError,
  ProcessesError,
  ReportFormatError,
  ResultNotRestorableError,
  ResumeFileError,
  RunAbortedError,
  SelfDependencyError,
  TaskNotFoundError,
  TaskStillRequiredError,
  TaskTimeoutError,
  UnhashableInputError,
  UnknownOptionError,
  UnknownPoolError,
  WorkerArgumentError,
  WorkerCrashError,
  WorkerExitError,
  WorkerExportNotFoundError,
  WorkerModuleLoadError,
  WorkerOutOfMemoryError,
} from './errors/errors.js';
export type { SerializedError } from './errors/serialize-error.js';
export { formatTraceback, serializeError } from './errors/serialize-error.js';
export { MainThreadExecutor } from './executors/main-thread/main-thread-executor.js';
export type { TracedVarsSnapshot } from './executors/traced-vars.js';
export type {
  ArgumentOrigin,
  ArgumentPath,
  AttemptOutcome,
  AttemptRequest,
  ExecuteOptions,
  Executor,
  LogLevel,
  LogSink,
  MainThreadTaskSpec,
  OutcomeTiming,
  TaskSpec,
  UpstreamState,
  WorkerTaskSpec,
} from './executors/types.js';
export type { WorkerPoolOptions, WorkerResourceLimits } from './executors/worker/worker-pool.js';
export { WorkerPool } from './executors/worker/worker-pool.js';
export type { FileCacheStoreOptions } from './incremental/cache/file-store.js';
export { FileCacheStore } from './incremental/cache/file-store.js';
export type { CacheSetOptions, CacheStore } from './incremental/cache/store.js';
export type { ExplainOptions, TaskPlan } from './incremental/explain.js';
export { explainRun } from './incremental/explain.js';
export type { JsonValue } from './logging/json-safe.js';
export { toJsonSafe } from './logging/json-safe.js';
export type { RedactOption } from './logging/redaction.js';
export type { RenderLimits } from './logging/render-value.js';
export { renderValue } from './logging/render-value.js';
export type { DurationsSource, RunCacheOptions } from './options/run-options.js';
export { ProcessExecutionReport } from './report/report.js';
export type { ReportContentOptions, ReportContentPreset } from './report/report-content.js';
export { ReportContent } from './report/report-content.js';
export { REPORT_SCHEMA_VERSION } from './report/report-json.js';
export { TaskStatus } from './report/status.js';
export type {
  AttemptDocument,
  AttemptHeap,
  AttemptRecord,
  EntryDocument,
  ErrorData,
  ErrorDocument,
  ExecutionReport,
  FingerprintDocument,
  LogWriteError,
  LogWriteErrorDocument,
  MapItemRef,
  MapSummary,
  NotifyOptions,
  NotifyOutcome,
  NotRetried,
  NotRetriedReason,
  ReportChannel,
  ReportDocument,
  ReportInit,
  ReuseInfo,
  RunReason,
  SendOptions,
  SkipCause,
  TaskFingerprint,
  TaskReportEntry,
  ThrownDocument,
} from './report/types.js';
export type { TaskContext } from './run/context.js';
export { runInTaskContext, taskContext } from './run/context.js';
export type { RunEvent, RunEventBase, RunEventType } from './run/events.js';
export type { ProcessOptions, RunOptions } from './run/process.js';
export { Process } from './run/process.js';
export type { BackoffOptions, ErrorClass, RetryOn } from './run/retry.js';
export { DEFAULT_RETRY_CODES } from './run/retry.js';
