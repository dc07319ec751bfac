// The public API of processes-executor-bullmq.

export type { BlobStore } from './blob-store.js';
export { RedisBlobStore } from './blob-store.js';
export type { RedisConnection } from './connection.js';
export {
  BlobMissingError,
  CodeMismatchError,
  ExecutorClosedError,
  ModuleOutsideRootError,
  NoWorkerError,
  PayloadSerializationError,
  RedisConnectionError,
  RedisUnavailableError,
  WorkerLostError,
} from './errors.js';
export { BullMQExecutor } from './executor.js';
export { jobIdOf } from './job-id.js';
export type { BullMQExecutorOptions, TransportDefaults, WorkerOptions } from './options.js';
export { EXECUTOR_DEFAULTS, WORKER_DEFAULTS } from './options.js';
export type { ProcessesWorker } from './worker.js';
export { startWorker } from './worker.js';
