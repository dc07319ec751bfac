// `processes-js/bullmq`: distributed execution on BullMQ and Redis, from the
// package users install. Re-exports processes-executor-bullmq by name.

export type {
  BlobStore,
  BullMQExecutorOptions,
  ProcessesWorker,
  RedisConnection,
  TransportDefaults,
  WorkerOptions,
} from 'processes-executor-bullmq';
export {
  BlobMissingError,
  BullMQExecutor,
  CodeMismatchError,
  EXECUTOR_DEFAULTS,
  ExecutorClosedError,
  jobIdOf,
  ModuleOutsideRootError,
  NoWorkerError,
  PayloadSerializationError,
  RedisBlobStore,
  RedisConnectionError,
  RedisUnavailableError,
  startWorker,
  WORKER_DEFAULTS,
  WorkerLostError,
} from 'processes-executor-bullmq';
