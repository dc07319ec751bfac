import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Process,
  Task,
  TaskDependency,
  WorkerPool,
  WorkerTaskRef,
  workerTask,
} from '../dist/index.js';
import { BROKEN_MODULE, TASKS_MODULE, TYPED_TASKS_MODULE, workerFixture } from './helpers/worker-fixtures.js';

const pool = new WorkerPool({ maxThreads: 2 });
afterAll(() => pool.close());

describe('worker tasks', () => {
  it('run an export on a worker thread and inject results across threads', async () => {
    const report = await new Process([
      workerFixture('sum', 'add', { args: [2, 3] }),
      new Task('offset', (sum: number) => sum + 100, {
        dependencies: [new TaskDependency('sum', { useResultAsAdditionalArgs: true })],
      }),
      workerFixture('echo', 'describeCall', {
        args: ['own'],
        kwargs: { flag: true },
        dependencies: [
          new TaskDependency('offset', { useResultAsAdditionalArgs: true }),
          new TaskDependency('sum', { useResultAsAdditionalKwargs: true, additionalKwargName: 'total' }),
        ],
      }),
    ]).run({ pool });

    expect(report.ok).toBe(true);
    expect(report.entries.get('sum')?.result).toBe(5);
    expect(report.entries.get('offset')?.result).toBe(105);
    const echo = report.entries.get('echo')?.result as { args: unknown[]; threadId: number };
    expect(echo.args).toEqual(['own', 105, { flag: true, total: 5 }]);
    expect(echo.threadId).toBeGreaterThan(0);
  });

  it('mix main-thread and worker tasks in one graph, recording where each ran', async () => {
    const report = await new Process([workerFixture('on_worker', 'whereAmI'), new Task('on_main', () => 'main')]).run({
      pool,
    });
    const worker = report.entries.get('on_worker');
    expect(worker?.threadId).toBeGreaterThan(0);
    expect(worker?.result).toBe(worker?.threadId);
    expect(report.entries.get('on_main')?.threadId).toBe(0);
  });

  it("show a task only its context's documented fields, not the engine's bookkeeping", async () => {
    const report = await new Process([workerFixture('self', 'describeOwnContext')]).run({ pool });
    const seen = report.entries.get('self')?.result as {
      keys: string[];
      symbols: number;
      inspected: string;
      taskName: string;
      attempt: number;
      logs: string;
    };
    expect(seen.keys).toEqual(['attempt', 'runId', 'signal', 'taskName', 'upstream']);
    expect(seen.symbols).toBe(0);
    expect(seen.inspected).not.toMatch(/attemptId|capture|request/i);
    expect(seen).toMatchObject({ taskName: 'self', attempt: 1, logs: 'function' });
  });

  it('call the default export when no export name is given, and name it after the file', async () => {
    const task = new Task('default', workerTask(TASKS_MODULE));
    expect(task.functionName).toBe('tasks.js#default');
    const report = await new Process([task]).run({ pool });
    expect(report.entries.get('default')?.result).toBe('default export');
  });

  it('name a named export after the export in reports', () => {
    expect(workerFixture('x', 'add').functionName).toBe('add');
  });

  it('accept an absolute path and a file: URL string as the module', async () => {
    const fromPath = workerTask(TASKS_MODULE.pathname, 'add');
    const fromString = workerTask(TASKS_MODULE.href, 'add');
    expect(fromPath).toBeInstanceOf(WorkerTaskRef);
    expect(fromPath.moduleUrl).toBe(TASKS_MODULE.href);
    expect(fromString.moduleUrl).toBe(TASKS_MODULE.href);
    const report = await new Process([new Task('p', fromPath, { args: [1, 1] })]).run({ pool });
    expect(report.entries.get('p')?.result).toBe(2);
  });

  it('reject a relative module path and an empty export name at construction', () => {
    expect(() => workerTask('./tasks.js', 'add')).toThrow(InvalidOptionError);
    expect(() => workerTask('./tasks.js', 'add')).toThrow(/expected `moduleUrl` to be a file: or data: URL/);
    expect(() => workerTask(TASKS_MODULE, '')).toThrow(/expected `exportName` to be a non-empty string/);
  });

  it('fail only that task, naming the module, when the module cannot be imported', async () => {
    const report = await new Process([
      new Task('missing_file', workerTask(new URL('../fixtures/no-such-file.js', import.meta.url), 'x')),
      new Task('broken', workerTask(BROKEN_MODULE, 'x')),
      workerFixture('fine', 'add', { args: [1, 2] }),
    ]).run({ pool });

    const missing = report.entries.get('missing_file')?.error;
    expect(missing?.errorName).toBe('WorkerModuleLoadError');
    expect(missing?.thrown.code).toBe('PROC_WORKER_MODULE_LOAD_FAILED');
    expect(missing?.exception).toContain('no-such-file.js');
    const broken = report.entries.get('broken')?.error;
    expect(broken?.exception).toContain('broken-module.js');
    expect(broken?.exception).toContain('broken at import');
    expect(broken?.thrown.cause?.message).toBe('broken at import');
    expect(report.entries.get('fine')?.result).toBe(3);
  });

  it('fail only that task, listing the exports, when the export is missing or not a function', async () => {
    const report = await new Process([
      workerFixture('missing_export', 'nope'),
      workerFixture('not_function', 'notAFunction'),
    ]).run({ pool });

    const missing = report.entries.get('missing_export')?.error;
    expect(missing?.errorName).toBe('WorkerExportNotFoundError');
    expect(missing?.thrown.code).toBe('PROC_WORKER_EXPORT_NOT_FOUND');
    expect(missing?.exception).toContain('has no function export "nope" (not exported;');
    expect(missing?.exception).toContain(TASKS_MODULE.href);
    expect(missing?.exception).toMatch(/its exports: .*\badd\b/);
    expect(report.entries.get('not_function')?.error?.exception).toContain('(it is number;');
  });

  it('run a TypeScript task module the way users write them', async () => {
    const rows = [
      { region: 'north', amount: 10 },
      { region: 'south', amount: 5 },
      { region: 'north', amount: 2.5 },
    ];
    const report = await new Process([
      new Task('totals', workerTask(TYPED_TASKS_MODULE, 'totalsByRegion'), { args: [rows] }),
    ]).run({ pool });
    expect(report.entries.get('totals')?.error).toBeUndefined();
    expect(report.entries.get('totals')?.result).toEqual({ north: 12.5, south: 5 });
  });

  it('run a TypeScript task module on threads started with tsx through execArgv', async () => {
    await using tsxPool = new WorkerPool({ maxThreads: 1, execArgv: ['--import', 'tsx'] });
    const report = await new Process([
      new Task('totals', workerTask(TYPED_TASKS_MODULE, 'totalsByRegion'), {
        args: [[{ region: 'east', amount: 1 }]],
      }),
    ]).run({ pool: tsxPool });
    expect(report.entries.get('totals')?.result).toEqual({ east: 1 });
  });

  it('make and destroy a pool of its own when run() is given none', async () => {
    const report = await new Process([workerFixture('a', 'whereAmI'), workerFixture('b', 'whereAmI')]).run({
      parallel: true,
      maxWorkers: 2,
    });
    expect(report.ok).toBe(true);
    expect(report.entries.get('a')?.threadId).toBeGreaterThan(0);
  });
});
