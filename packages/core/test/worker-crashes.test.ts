import { afterAll, describe, expect, it, vi } from 'vitest';
import { Process, TaskStatus, WorkerPool } from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';
import { workerFixture } from './helpers/worker-fixtures.js';

// One pool for every crash: each case also proves the pool still works afterwards.
const pool = new WorkerPool({ maxThreads: 2, resourceLimits: { maxOldGenerationSizeMb: 48 } });
afterAll(() => pool.close());

async function runAlone(exportName: string, args: unknown[] = []) {
  const report = await new Process([
    workerFixture('crash', exportName, { args }),
    workerFixture('downstream', 'add', { args: [1, 1], dependencies: ['crash'] }),
  ]).run({ pool });
  const after = await new Process([workerFixture('after', 'add', { args: [20, 22] })]).run({ pool });
  expect(after.entries.get('after')?.result, 'the pool still runs tasks afterwards').toBe(42);
  expect(report.entries.get('downstream')?.status).toBe(TaskStatus.SKIPPED);
  const entry = report.entries.get('crash');
  expect(entry?.status).toBe(TaskStatus.ERRORED);
  return entry?.error;
}

describe('a worker task that crashes its thread or throws oddly', () => {
  it('calling process.exit() is errored as WorkerExitError with the code', async () => {
    const error = await runAlone('callExit', [3]);
    expect(error?.errorName).toBe('WorkerExitError');
    expect(error?.thrown.code).toBe('PROC_WORKER_EXITED');
    expect(error?.exception).toBe(
      'Task "crash" called process.exit(3), which ended its worker thread. Throw an error instead.',
    );
    expect(error?.thrown.props?.['exitCode']).toBe(3);
  });

  it('running out of heap under resourceLimits is its own error kind', async () => {
    const error = await runAlone('exhaustHeap');
    expect(error?.errorName).toBe('WorkerOutOfMemoryError');
    expect(error?.thrown.code).toBe('PROC_WORKER_OUT_OF_MEMORY');
    expect(error?.exception).toContain('maxOldGenerationSizeMb=48');
  });

  it('throwing a string or undefined becomes NonError data', async () => {
    const stringError = await runAlone('throwString');
    expect(stringError?.errorName).toBe('NonError');
    expect(stringError?.exception).toBe('plain string thrown');
    expect(stringError?.thrown.nonError).toBe(true);
    const undefinedError = await runAlone('throwUndefined');
    expect(undefinedError?.exception).toBe('undefined');
  });

  it('rejecting after an await keeps the error class and stack', async () => {
    const error = await runAlone('rejectWithError');
    expect(error?.errorName).toBe('RangeError');
    expect(error?.exception).toBe('rejected after await');
    expect(error?.traceback).toContain('rejectWithError');
  });

  it('overflowing the stack is a RangeError, not a dead thread', async () => {
    const error = await runAlone('overflowStack');
    expect(error?.errorName).toBe('RangeError');
    expect(error?.exception).toMatch(/call stack/i);
  });

  it('a timer the task started that throws while it runs fails that attempt', async () => {
    const error = await runAlone('strayTimerWhileRunning');
    expect(error?.errorName).toBe('Error');
    expect(error?.exception).toBe('thrown by a timer the task started');
  });

  it('returning something that cannot be cloned is a clear WorkerCrashError', async () => {
    const error = await runAlone('returnFunction');
    expect(error?.errorName).toBe('WorkerCrashError');
    expect(error?.exception).toContain('its result could not be sent back from the worker thread');
    expect(error?.exception).toContain('could not be cloned');
  });

  it('a timer that throws after the task returned becomes a warning, and the thread keeps working', async () => {
    const warnings = captureWarnings();
    try {
      const report = await new Process([workerFixture('late', 'throwFromTimerAfterReturn')]).run({ pool });
      expect(report.entries.get('late')?.result).toBe('returned before the timer fired');
      // The throw happens on the worker after the result was sent; wait for its warning.
      await expect.poll(() => warnings.length, { timeout: 5_000 }).toBeGreaterThan(0);
      const warning = warnings[0];
      expect(warning?.options).toMatchObject({ code: 'PROC_WORKER_LATE_ERROR' });
      expect(warning?.message).toContain('Task "late"');
      expect(warning?.message).toContain('thrown after the task returned');
      const after = await new Process([workerFixture('after', 'add', { args: [1, 2] })]).run({ pool });
      expect(after.entries.get('after')?.result).toBe(3);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
