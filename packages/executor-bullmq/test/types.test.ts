import type { AttemptOutcome, Executor } from 'processes-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { BlobStore, BullMQExecutor, ProcessesWorker, startWorker, WorkerLostError } from '../dist/index.js';

describe('public types', () => {
  it('BullMQExecutor is an Executor that can be disposed with await using', () => {
    expectTypeOf<BullMQExecutor>().toExtend<Executor>();
    expectTypeOf<BullMQExecutor>().toExtend<AsyncDisposable>();
    expectTypeOf<BullMQExecutor['execute']>().returns.toEqualTypeOf<Promise<AttemptOutcome>>();
  });

  it('startWorker resolves to a closable worker', () => {
    expectTypeOf<typeof startWorker>().returns.toEqualTypeOf<Promise<ProcessesWorker>>();
    expectTypeOf<ProcessesWorker['close']>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('a blob store is three async methods', () => {
    expectTypeOf<BlobStore['get']>().returns.toEqualTypeOf<Promise<Buffer | null>>();
  });

  it('WorkerLostError is a TaskTimeoutError, so default retries apply', () => {
    expectTypeOf<WorkerLostError['endedBy']>().toExtend<string>();
    expectTypeOf<WorkerLostError['jobId']>().toEqualTypeOf<string>();
  });
});
