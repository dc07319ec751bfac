import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Process, TaskStatus, WorkerPool } from '../dist/index.js';
import { RecoverableError } from './fixtures/tasks.js';
import { captureWarnings } from './helpers/warnings.js';
import { workerFixture } from './helpers/worker-fixtures.js';

const pool = new WorkerPool({ maxThreads: 2 });
afterAll(() => pool.close());
afterEach(() => {
  vi.restoreAllMocks();
});

describe('errors thrown in a worker thread', () => {
  it('cross the thread as data: name, message, stack, code, cause chain, class names and own properties', async () => {
    const report = await new Process([workerFixture('parse', 'throwRecoverable')]).run({ pool });
    const error = report.entries.get('parse')?.error;
    expect(error?.errorName).toBe('RecoverableError');
    expect(error?.exception).toBe('row 7 is malformed');
    expect(error?.thrown.code).toBe('E_RECOVERABLE');
    expect(error?.thrown.classChain).toEqual(['RecoverableError', 'Error']);
    expect(error?.thrown.props).toEqual({ details: { table: 'orders', row: 7 } });
    expect(error?.thrown.cause).toMatchObject({ name: 'TypeError', message: 'bad date' });
    expect(error?.thrown.stack).toContain('throwRecoverable');
    expect(error?.traceback).toContain('Caused by: TypeError: bad date');
  });

  it('are matched by `retryOn: [TheirClass]`, using the class imported on the main thread', async () => {
    const report = await new Process([
      workerFixture('recovers', 'failUntilAttempt', { args: [3], retries: 3, retryOn: [RecoverableError] }),
    ]).run({ pool });
    const entry = report.entries.get('recovers');
    expect(entry?.status).toBe(TaskStatus.SUCCESS);
    expect(entry?.attempts).toBe(3);
    expect(entry?.result).toBe('ok on attempt 3');
  });

  it('are matched by their code, and not retried when nothing matches', async () => {
    const warnings = captureWarnings();
    const report = await new Process([
      workerFixture('by_code', 'failUntilAttempt', { args: [2], retries: 2, retryOn: ['E_RECOVERABLE'] }),
      workerFixture('no_match', 'failUntilAttempt', { args: [2], retries: 2, retryOn: [TypeError] }),
    ]).run({ pool });
    expect(report.entries.get('by_code')?.attempts).toBe(2);
    expect(report.entries.get('by_code')?.status).toBe(TaskStatus.SUCCESS);
    expect(report.entries.get('no_match')?.attempts).toBe(1);
    expect(report.entries.get('no_match')?.status).toBe(TaskStatus.ERRORED);
    // The class names crossed the thread: the reason names the worker's error and the main thread's retryOn.
    expect(report.entries.get('no_match')?.notRetried?.message).toContain(
      'failed with RecoverableError (E_RECOVERABLE), which retryOn does not match',
    );
    expect(warnings.map((w) => (w.options as { code?: string }).code)).toEqual(['PROC_TASK_NOT_RETRIED']);
  });
});
