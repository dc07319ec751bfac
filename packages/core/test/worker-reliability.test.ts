// Faults of the worker executor (issue #10: items 1, 5, 9, 10 and 11), each
// through the public API on real worker threads. docs/reliability.md lists them.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Process, Task, TaskDependency, TaskStatus, WorkerPool, workerTask } from '../dist/index.js';
import { workerFixture } from './helpers/worker-fixtures.js';

const fixture = (file: string) => new URL(`./fixtures/${file}`, import.meta.url);
const pool = new WorkerPool({ maxThreads: 2 });
afterAll(() => pool.close());

describe('a worker module that never finishes importing', () => {
  it.each([
    ['spins at the top level', 'hangs-on-import.js'],
    ['awaits a promise that never settles at the top level', 'never-settles-on-import.js'],
  ])('%s: the attempt times out saying the module was still loading, and the pool goes on', async (_, file) => {
    const report = await new Process([
      new Task('stuck', workerTask(fixture(file), 'unreachable'), { timeoutMs: 200 }),
      workerFixture('after', 'add', { args: [1, 2], dependencies: [], timeoutMs: 5000 }),
    ]).run({ pool });
    const error = report.entries.get('stuck')?.error;
    expect(error?.errorName).toBe('TaskTimeoutError');
    expect(error?.thrown.props).toMatchObject({ endedBy: 'terminated', loadingModule: fixture(file).href });
    expect(error?.exception).toBe(
      `Task "stuck" timed out after 200 ms (attempt 1); its module was still loading (${fixture(file).href}), so its worker thread was terminated after a 50 ms grace period.`,
    );
    expect(report.entries.get('after')?.result).toBe(3);
  });
});

describe('worker thread start-up', () => {
  it('loads the engine through the asynchronous ES loader only: a thread terminated while it starts cannot abort the process', async () => {
    // Node 20.19+ links an ES module required with require() synchronously,
    // and a thread terminated in that step is a V8 fatal error for the whole
    // process. Piscina requires its filename first, so the file it is given
    // must be CommonJS that imports the engine.
    const record = join(await mkdtemp(join(tmpdir(), 'processes-startup-')), 'required.txt');
    const engineDist = new URL('../dist/', import.meta.url).pathname;
    await using recorded = new WorkerPool({
      maxThreads: 2,
      minThreads: 2,
      execArgv: ['--require', fileURLToPath(fixture('record-required-es-modules.cjs'))],
      env: { ...(process.env as Record<string, string>), RECORD_REQUIRED_ES_MODULES: record },
    });
    const report = await new Process([
      workerFixture('a', 'add', { args: [1, 2], dependencies: [] }),
      workerFixture('b', 'add', { args: [3, 4], dependencies: [] }),
    ]).run({ pool: recorded, parallel: true });
    expect(report.entries.get('a')?.result).toBe(3);
    expect(report.entries.get('b')?.result).toBe(7);
    // The hook ran in the threads (piscina's own CommonJS files, and the engine's worker-thread.cjs, pass through it) ...
    const required = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(required.some((file) => file.includes('piscina'))).toBe(true);
    // ... and none of the engine's ES modules was required.
    expect(required.filter((file) => file.startsWith(engineDist) && file.endsWith('.js'))).toEqual([]);
  });
});

describe('worker log lines', () => {
  let burner: ChildProcess;
  beforeAll(() => {
    // CPU load beside the runs: a child process that never yields.
    burner = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  });
  afterAll(() => {
    burner.kill('SIGKILL');
  });

  it('all reach the process logger and the log file before run() resolves, over hundreds of runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processes-lines-'));
    const runOnce = async (i: number) => {
      const lines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
      const logPath = join(dir, `run-${i}.log`);
      await using process = new Process(
        [
          workerFixture('to_logger', 'logLines', { args: [25] }),
          workerFixture('to_file', 'logLines', { args: [25], logPath }),
        ],
        { logger },
      );
      await process.run({ pool, parallel: true, maxWorkers: 2 });
      // Counted the moment run() resolves: nothing may still be on its way.
      const toLogger = lines.filter((line) => line.includes('"worker line')).length;
      const toFile = readFileSync(logPath, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"worker line')).length;
      return [toLogger, toFile];
    };
    const counts: number[][] = [];
    for (let batch = 0; batch < 20; batch++) {
      counts.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => runOnce(batch * 10 + j)))));
    }
    // The file's task also logs to the process logger (it is every task's logger), so 50 reach the logger.
    expect(counts.filter(([toLogger, toFile]) => toLogger !== 50 || toFile !== 25)).toEqual([]);
    expect(counts).toHaveLength(200);
  });
});

describe('an input that cannot be cloned into the worker', () => {
  it('names the direction and the argument, or the dependency whose result it was', async () => {
    const report = await new Process([
      workerFixture('own_arg', 'add', { args: [1, () => 2] }),
      workerFixture('own_kwarg', 'scale', { args: [[1]], kwargs: { factor: Symbol('x') } }),
      new Task('upstream', () => ({ handler() {} })),
      workerFixture('injected', 'describeCall', {
        dependencies: [new TaskDependency('upstream', { useResultAsAdditionalArgs: true })],
      }),
      workerFixture('injected_kwarg', 'describeCall', {
        dependencies: [
          new TaskDependency('upstream', { useResultAsAdditionalKwargs: true, additionalKwargName: 'rows' }),
        ],
      }),
    ]).run({ pool });
    const failure = (name: string) => report.entries.get(name)?.error;
    expect(failure('own_arg')?.errorName).toBe('WorkerArgumentError');
    expect(failure('own_arg')?.thrown).toMatchObject({
      code: 'PROC_WORKER_ARGUMENT_UNCLONEABLE',
      props: { argument: 'args[1]', dependency: null },
    });
    expect(failure('own_arg')?.exception).toBe(
      'Task "own_arg": its input could not be sent to the worker thread: args[1] could not be cloned (() => 2 could not be cloned.). Pass data that structured clone can copy: no functions, symbols or class instances that hold native state.',
    );
    expect(failure('own_kwarg')?.thrown.props).toMatchObject({ argument: 'options.factor' });
    expect(failure('injected')?.exception).toContain(
      'its input could not be sent to the worker thread: the result of "upstream" (args[0]) could not be cloned',
    );
    expect(failure('injected_kwarg')?.thrown.props).toMatchObject({ argument: 'options.rows', dependency: 'upstream' });
    for (const name of ['own_arg', 'own_kwarg', 'injected', 'injected_kwarg']) {
      expect(failure(name)?.exception).not.toContain('result could not be sent back');
    }
  });
});

describe('a cooperative timeout on a busy main thread', () => {
  it('is reported as ended by its signal even when the backstop timer runs before the response is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processes-busy-main-'));
    const marker = join(dir, 'started');
    await using single = new WorkerPool({ maxThreads: 1 });
    await new Process([workerFixture('warm', 'add', { args: [0, 0] })]).run({ pool: single });
    const report = await new Process([
      workerFixture('polite', 'touchThenWaitForAbort', { args: [marker], timeoutMs: 100 }),
      new Task('blocker', async () => {
        // Once the worker task runs, let its 'started' message in (it arms the backstop)…
        while (!existsSync(marker)) await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setTimeout(resolve, 0));
        // …then hold the main thread, from a check-phase callback, past the deadline and
        // its grace period. The task honours its signal meanwhile and its response waits;
        // when the loop turns, the expired backstop timer runs before any message is read.
        await new Promise<void>((resolve) =>
          setImmediate(() => {
            const until = Date.now() + 400;
            while (Date.now() < until) {
              // the main thread is busy
            }
            resolve();
          }),
        );
      }),
    ]).run({ pool: single, parallel: true, maxWorkers: 2 });
    const error = report.entries.get('polite')?.error;
    expect(error?.errorName).toBe('TaskTimeoutError');
    expect(error?.thrown.props?.['endedBy']).toBe('signal');
  });
});

describe('the elapsed time of a failed attempt', () => {
  const main = () => {
    const error = new Error('thrown at once');
    const stack = error.stack;
    Object.defineProperty(error, 'stack', {
      configurable: true,
      get(this: Error) {
        const at = performance.timeOrigin + performance.now();
        if (!Object.hasOwn(this, 'stackReadAt'))
          Object.defineProperty(this, 'stackReadAt', { value: at, enumerable: true });
        while (performance.timeOrigin + performance.now() < at + 20) {
          // slow to read
        }
        return stack;
      },
    });
    throw error;
  };

  // A pool without traced variables: with a debugger attached, V8 itself reads a thrown
  // error's stack at the throw, inside the task's own time, which is not what is measured here.
  const plain = new WorkerPool({ maxThreads: 1, tracedVars: false });
  afterAll(() => plain.close());

  it.each([
    ['on a worker thread', () => workerFixture('instant', 'throwWithSlowStack', { captureTracedVars: false })],
    ['on the main thread', () => new Task('instant', main)],
  ])('%s ends before the engine reads the error', async (_, task) => {
    const report = await new Process([task()]).run({ pool: plain });
    const entry = report.entries.get('instant');
    expect(entry?.status).toBe(TaskStatus.ERRORED);
    const readAt = entry?.error?.thrown.props?.['stackReadAt'] as number;
    expect(typeof readAt).toBe('number');
    expect(entry?.finishedAt?.getTime()).toBeLessThanOrEqual(readAt);
  });
});
