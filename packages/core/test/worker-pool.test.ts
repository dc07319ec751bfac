import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  PoolClosedError,
  Process,
  RunAbortedError,
  type RunEvent,
  TaskStatus,
  UnknownOptionError,
  WorkerPool,
} from '../dist/index.js';
import { deferred } from './fixtures/control.js';
import { workerFixture } from './helpers/worker-fixtures.js';

describe('WorkerPool', () => {
  it('is shared by concurrent runs, each getting its own results', async () => {
    await using pool = new WorkerPool({ maxThreads: 2 });
    const runs = Array.from({ length: 6 }, (_, i) =>
      new Process([workerFixture('add', 'add', { args: [i, 100] })]).run({ pool }),
    );
    const reports = await Promise.all(runs);
    expect(reports.map((r) => r.entries.get('add')?.result)).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it('shares threads fairly: a small run is not starved by a big one queued first', async () => {
    await using pool = new WorkerPool({ maxThreads: 1 });
    const bigFinished: string[] = [];
    const queued = deferred<void>();
    let bigStarted = 0;
    const big = new Process(Array.from({ length: 60 }, (_, i) => workerFixture(`big${i}`, 'busyFor', { args: [5] })));
    const small = new Process(
      Array.from({ length: 3 }, (_, i) => workerFixture(`small${i}`, 'busyFor', { args: [5] })),
    );
    const bigRun = big.run({
      pool,
      parallel: true,
      maxWorkers: 60,
      onEvent: (event: RunEvent) => {
        if (event.type === 'task:succeeded') bigFinished.push(event.taskName);
        // Each attempt is handed to the pool right after its task:started event.
        if (event.type === 'task:started' && ++bigStarted === 60) queued.resolve(undefined);
      },
    });
    // The big run has queued all its tasks before the small one arrives.
    await queued.promise;
    const smallReport = await small.run({ pool, parallel: true, maxWorkers: 3 });
    const finishedBeforeSmall = bigFinished.length;
    expect(smallReport.ok).toBe(true);
    // Round-robin: the small run's 3 tasks alternate with the big run's, so it
    // finishes after a handful of the big run's tasks, not after all 60.
    expect(finishedBeforeSmall).toBeLessThan(20);
    expect((await bigRun).ok).toBe(true);
  });

  it('leaves no thread behind after close()', async () => {
    const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
    await new Process([workerFixture('a', 'add', { args: [1, 2] })]).run({ pool });
    expect(pool.threadCount).toBeGreaterThan(0);
    await pool.close();
    expect(pool.threadCount).toBe(0);
    expect(pool.closed).toBe(true);
  });

  it.each<[string, (pool: WorkerPool) => Promise<unknown>]>([
    ['close() waits for the tasks it was given, then ends the threads', (pool) => pool.close()],
    // An explicit close() and the one `await using` makes at the end of its block.
    [
      'settles every close() called while a task runs, not only the last',
      (pool) => Promise.all([pool.close(), pool.close(), pool[Symbol.asyncDispose]()]),
    ],
  ])('%s', async (_behaviour, close) => {
    const pool = new WorkerPool({ maxThreads: 1 });
    const started = deferred<void>();
    const running = new Process([workerFixture('slow', 'sleep', { args: [200, 'done'] })]).run({
      pool,
      onEvent: (event) => event.type === 'task:started' && started.resolve(undefined),
    });
    await started.promise;
    await close(pool);
    expect((await running).entries.get('slow')?.result).toBe('done');
    expect(pool.threadCount).toBe(0);
  });

  it('close() waits for a bigger-heap retry (retryOnOom), which runs on a thread of its own', async () => {
    const pool = new WorkerPool({ maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const retrying = deferred<void>();
    let settled = false;
    const running = new Process([
      workerFixture('big', 'exhaustHeapThenSleep', { args: [100, 'fits'], retryOnOom: { heapMb: [128] } }),
    ])
      .run({ pool, onEvent: (event) => event.type === 'task:retrying' && retrying.resolve(undefined) })
      .finally(() => {
        settled = true;
      });
    await retrying.promise;
    await pool.close();
    expect(settled).toBe(true);
    expect((await running).entries.get('big')).toMatchObject({ status: 'success', result: 'fits', attempts: 2 });
  });

  it('destroy() also stops a bigger-heap retry (retryOnOom), so the run settles and no thread is left', async () => {
    const pool = new WorkerPool({ maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const retrying = deferred<void>();
    const running = new Process([
      workerFixture('big', 'exhaustHeapThenSleep', { args: [null], retryOnOom: { heapMb: [128] } }),
    ]).run({ pool, onEvent: (event) => event.type === 'task:retrying' && retrying.resolve(undefined) });
    await retrying.promise;
    await pool.destroy();
    const entry = (await running).entries.get('big');
    expect(entry).toMatchObject({ status: 'errored', attempts: 2 });
    expect(entry?.error?.errorName).toBe('PoolClosedError');
  });

  it('rejects a run given a closed pool with PoolClosedError, before any task runs', async () => {
    const pool = new WorkerPool({ maxThreads: 1 });
    await pool.close();
    const run = new Process([workerFixture('a', 'add', { args: [1, 2] })]).run({ pool });
    await expect(run).rejects.toBeInstanceOf(PoolClosedError);
    await expect(run).rejects.toMatchObject({ code: 'PROC_POOL_CLOSED' });
  });

  it('destroy() stops running tasks at once and they fail with PoolClosedError', async () => {
    const pool = new WorkerPool({ maxThreads: 1 });
    const started = deferred<void>();
    const running = new Process([workerFixture('runaway', 'spin')]).run({
      pool,
      onEvent: (event) => event.type === 'task:started' && started.resolve(undefined),
    });
    await started.promise;
    await pool.destroy();
    const report = await running;
    expect(report.entries.get('runaway')?.error?.errorName).toBe('PoolClosedError');
    expect(pool.threadCount).toBe(0);
  });

  it('validates its options with typed errors', () => {
    expect(() => new WorkerPool({ maxThreads: 0 })).toThrow(InvalidOptionError);
    expect(() => new WorkerPool({ maxThreads: 0 })).toThrow(
      'WorkerPool: expected `maxThreads` to be an integer >= 1, got `0` (number)',
    );
    for (const maxThreads of [-1, 2.5, Number.NaN]) {
      expect(() => new WorkerPool({ maxThreads }), String(maxThreads)).toThrow(InvalidOptionError);
    }
    expect(() => new WorkerPool({ maxThreads: -1 })).toThrow(
      'WorkerPool: expected `maxThreads` to be an integer >= 1, got `-1` (number)',
    );
    expect(() => new WorkerPool({ timeoutGraceMs: -1 })).toThrow(/`timeoutGraceMs` to be a finite number >= 0/);
    expect(() => new WorkerPool({ threads: 2 } as never)).toThrow(UnknownOptionError);
  });
});

describe('cancelling a run with worker tasks', () => {
  it('terminates its running worker tasks, rejects with the partial report, and leaves no thread', async () => {
    await using pool = new WorkerPool({ maxThreads: 2 });
    const controller = new AbortController();
    const run = new Process([
      workerFixture('quick', 'add', { args: [1, 2] }),
      workerFixture('runaway', 'spin', { dependencies: ['quick'] }),
      workerFixture('never', 'add', { args: [0, 0], dependencies: ['runaway'] }),
    ]).run({
      pool,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'task:started' && event.taskName === 'runaway') setTimeout(() => controller.abort(), 100);
      },
    });
    const error = (await run.catch((e: unknown) => e)) as RunAbortedError;
    expect(error).toBeInstanceOf(RunAbortedError);
    expect(error.report.entries.get('quick')?.status).toBe(TaskStatus.SUCCESS);
    expect(error.report.entries.get('runaway')).toMatchObject({ status: TaskStatus.CANCELLED, attempts: 1 });
    expect(error.report.entries.get('runaway')?.error?.errorName).toBe('AbortError');
    expect(error.report.entries.get('never')).toMatchObject({ status: TaskStatus.CANCELLED, attempts: 0 });
    // The pool replaced the terminated thread and still works.
    const after = await new Process([workerFixture('after', 'add', { args: [2, 3] })]).run({ pool });
    expect(after.entries.get('after')?.result).toBe(5);
  });
});

describe('logging from worker threads', () => {
  it('writes taskContext().log lines into the task log file, between start and finish', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processes-worker-log-'));
    const logPath = join(dir, 'shared.log');
    await using process = new Process(
      [
        workerFixture('first', 'logLines', { args: [2], logPath }),
        workerFixture('second', 'logLines', { args: [1], logPath, dependencies: ['first'] }),
      ],
      { name: 'etl' },
    );
    await process.run();
    const lines = readFileSync(logPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => `${l['task']}: ${l['msg']}`)).toEqual([
      'first: Starting first.',
      'first: worker line 0',
      'first: worker line 1',
      'first: Finished first.',
      'second: Starting second.',
      'second: worker line 0',
      'second: Finished second.',
    ]);
    expect(lines[1]).toMatchObject({ process: 'etl', level: 'info', i: 0 });
  });

  it('sends the lines of a task without a log file to the process logger', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    await new Process([workerFixture('talker', 'logLines', { args: [2] })], { logger }).run();
    await expect.poll(() => lines.filter((l) => l['msg'] === 'worker line 1').length).toBe(1);
    const workerLines = lines.filter((l) => String(l['msg']).startsWith('worker line'));
    expect(workerLines).toEqual([
      expect.objectContaining({ task: 'talker', i: 0, msg: 'worker line 0' }),
      expect.objectContaining({ task: 'talker', i: 1, msg: 'worker line 1' }),
    ]);
  });
});
