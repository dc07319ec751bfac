import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Process, TaskStatus, WorkerPool } from '../dist/index.js';
import { workerFixture } from './helpers/worker-fixtures.js';

const pool = new WorkerPool({ maxThreads: 2, timeoutGraceMs: 50 });
afterAll(() => pool.close());

describe('hard timeouts of worker tasks', () => {
  it('terminate the thread of a task that never yields, and the next task on the pool runs', async () => {
    const report = await new Process([
      workerFixture('runaway', 'spin', { timeoutMs: 200 }),
      workerFixture('after_runaway', 'add', { args: [1, 2], dependencies: ['runaway'] }),
    ]).run({ pool });
    const error = report.entries.get('runaway')?.error;
    expect(error?.errorName).toBe('TaskTimeoutError');
    expect(error?.thrown.code).toBe('PROC_TASK_TIMEOUT');
    expect(error?.thrown.props?.['endedBy']).toBe('terminated');
    expect(error?.exception).toBe(
      'Task "runaway" timed out after 200 ms (attempt 1); it ignored its abort signal, so its worker thread was terminated after a 50 ms grace period.',
    );
    expect(report.entries.get('after_runaway')?.status).toBe(TaskStatus.SKIPPED);

    const next = await new Process([workerFixture('next', 'add', { args: [2, 2] })]).run({ pool });
    expect(next.entries.get('next')?.result).toBe(4);
  });

  it('end by signal when the task stops on its own once its signal is aborted', async () => {
    const report = await new Process([workerFixture('polite', 'waitForAbort', { timeoutMs: 100 })]).run({ pool });
    const error = report.entries.get('polite')?.error;
    expect(error?.errorName).toBe('TaskTimeoutError');
    expect(error?.thrown.props?.['endedBy']).toBe('signal');
    expect(error?.exception).toContain('it stopped when its signal was aborted');
  });

  it('retry after a timeout by default, and the retry can succeed', async () => {
    const report = await new Process([
      workerFixture('flaky_spin', 'spinOnFirstAttempt', { timeoutMs: 200, retries: 1 }),
    ]).run({ pool });
    const entry = report.entries.get('flaky_spin');
    expect(entry?.status).toBe(TaskStatus.SUCCESS);
    expect(entry?.attempts).toBe(2);
    expect(entry?.result).toBe('attempt 2');
  });

  it('leave tasks on other threads untouched when one is terminated', async () => {
    const report = await new Process([
      workerFixture('runaway', 'spin', { timeoutMs: 150 }),
      workerFixture('neighbour', 'sleep', { args: [600, 'neighbour finished'] }),
    ]).run({ pool, parallel: true, maxWorkers: 2 });
    expect(report.entries.get('runaway')?.error?.errorName).toBe('TaskTimeoutError');
    expect(report.entries.get('neighbour')?.result).toBe('neighbour finished');
    expect(report.entries.get('neighbour')?.threadId).not.toBe(report.entries.get('runaway')?.threadId);
  });

  it('start the clock when the task starts on a thread, not while it waits for one', async () => {
    await using single = new WorkerPool({ maxThreads: 1 });
    // `queued` waits ~600 ms behind `busy` for the only thread, then runs in a few ms:
    // its 300 ms timeout must not count the wait.
    const report = await new Process([
      workerFixture('busy', 'busyFor', { args: [600] }),
      workerFixture('queued', 'add', { args: [1, 1], timeoutMs: 300 }),
    ]).run({ pool: single, parallel: true, maxWorkers: 2 });
    expect(report.entries.get('busy')?.status).toBe(TaskStatus.SUCCESS);
    expect(report.entries.get('queued')?.status).toBe(TaskStatus.SUCCESS);
    expect(report.entries.get('queued')?.result).toBe(2);
  });

  it('keep the log lines a task wrote just before its thread was killed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processes-kill-log-'));
    const logPath = join(dir, 'runaway.log');
    await using process = new Process([
      workerFixture('runaway', 'logThenSpin', { args: ['last words'], timeoutMs: 150, logPath }),
    ]);
    const report = await process.run({ pool });
    expect(report.entries.get('runaway')?.error?.errorName).toBe('TaskTimeoutError');
    const lines = readFileSync(logPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['msg'])).toEqual([
      'Starting runaway.',
      'about to spin',
      expect.stringContaining('timed out after 150 ms'),
    ]);
    expect(lines[1]).toMatchObject({ level: 'info', task: 'runaway', marker: 'last words' });
  });
});
