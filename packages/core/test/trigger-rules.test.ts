import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Process,
  Task,
  TaskDependency,
  TaskStatus,
  taskContext,
  workerTask,
} from '../dist/index.js';
import { InlineExecutor } from './fixtures/inline-executor.js';

const GRAPH_TASKS = new URL('./fixtures/graph-tasks.js', import.meta.url);
const fail = () => {
  throw new Error('load failed');
};

describe('trigger rules (runIf)', () => {
  it('runs an allDone cleanup after a failure, and an anyFailed alert only when something failed', async () => {
    const ran: string[] = [];
    const tasks = (loadFails: boolean) => [
      new Task('load', loadFails ? fail : () => 'rows'),
      new Task('report', () => ran.push('report'), { dependencies: ['load'] }),
      new Task('cleanup', () => ran.push('cleanup'), { dependencies: ['load', 'report'], runIf: 'allDone' }),
      new Task('alert', () => ran.push('alert'), { dependencies: ['load', 'report'], runIf: 'anyFailed' }),
    ];
    const failed = await new Process(tasks(true)).run();
    expect(ran).toEqual(['cleanup', 'alert']);
    expect(failed.entries.get('cleanup')).toMatchObject({ status: TaskStatus.SUCCESS, runIf: 'allDone' });
    expect(failed.entries.get('report')).toMatchObject({
      status: TaskStatus.SKIPPED,
      skippedBecause: 'load',
      skip: { rule: 'allSuccess', upstream: ['load'] },
    });

    ran.length = 0;
    const fine = await new Process(tasks(false)).run();
    expect(ran).toEqual(['report', 'cleanup']);
    expect(fine.entries.get('alert')).toMatchObject({
      status: TaskStatus.SKIPPED,
      runIf: 'anyFailed',
      skip: { rule: 'anyFailed', upstream: ['load', 'report'] },
    });
  });

  it("gives the same tasks, run again, each run's own upstream states in taskContext()", async () => {
    let loadFails = true;
    const seen: unknown[] = [];
    const process = new Process([
      new Task('load', () => {
        if (loadFails) throw new Error('load failed');
        return 'rows';
      }),
      new Task('parse', () => 'parsed'),
      new Task('cleanup', () => seen.push(structuredClone(taskContext().upstream)), {
        dependencies: ['load', 'parse'],
        runIf: 'allDone',
      }),
    ]);
    await process.run();
    loadFails = false;
    await process.run();
    loadFails = true;
    await process.run();
    const failedRun = { load: { status: 'errored' }, parse: { status: 'success' } };
    expect(seen).toEqual([failedRun, { load: { status: 'success' }, parse: { status: 'success' } }, failedRun]);
  });

  it('noneFailed runs after a skipped dependency; allFailed and anySuccess need their endings', async () => {
    const tasks = [
      new Task('broken', fail),
      new Task('skipped', () => 1, { dependencies: ['broken'] }),
      new Task('fine', () => 2),
      new Task('none_failed', () => 'ran', { dependencies: ['skipped', 'fine'], runIf: 'noneFailed' }),
      new Task('none_failed_2', () => 'ran', { dependencies: ['broken', 'fine'], runIf: 'noneFailed' }),
      new Task('all_failed', () => 'ran', { dependencies: ['broken'], runIf: 'allFailed' }),
      new Task('all_failed_2', () => 'ran', { dependencies: ['broken', 'fine'], runIf: 'allFailed' }),
      new Task('any_success', () => 'ran', { dependencies: ['broken', 'fine'], runIf: 'anySuccess' }),
      new Task('any_success_2', () => 'ran', { dependencies: ['broken', 'skipped'], runIf: 'anySuccess' }),
    ];
    const report = await new Process(tasks).run();
    const status = (name: string) => report.entries.get(name)?.status;
    expect(status('none_failed')).toBe('success');
    expect(report.entries.get('none_failed_2')?.skip).toEqual({ rule: 'noneFailed', upstream: ['broken'] });
    expect(status('all_failed')).toBe('success');
    expect(report.entries.get('all_failed_2')?.skip).toEqual({ rule: 'allFailed', upstream: ['fine'] });
    expect(status('any_success')).toBe('success');
    // A skip caused by a skipped dependency names the failure where it began.
    expect(report.entries.get('any_success_2')).toMatchObject({ status: 'skipped', skippedBecause: 'broken' });
  });

  it('passes undefined for a dependency that did not succeed, and its status in taskContext().upstream (worker thread)', async () => {
    const tasks = [
      new Task('broken', fail),
      new Task('fine', () => 7),
      new Task('after', workerTask(GRAPH_TASKS, 'describeUpstream'), {
        dependencies: [
          new TaskDependency('broken', { useResultAsAdditionalArgs: true }),
          new TaskDependency('fine', { useResultAsAdditionalArgs: true }),
        ],
        runIf: 'allDone',
      }),
    ];
    const report = await new Process(tasks).run();
    expect(report.entries.get('after')?.result).toEqual({
      args: [undefined, 7],
      upstream: { broken: { status: 'errored' }, fine: { status: 'success' } },
      taskName: 'after',
    });
  });

  it('gives a custom executor the dependencies’ endings in the request', async () => {
    const executor = new InlineExecutor();
    const tasks = [
      new Task('broken', fail),
      new Task('alert', () => 'alerted', { dependencies: ['broken'], runIf: 'anyFailed' }),
    ];
    const report = await new Process(tasks).run({ executors: [executor] });
    expect(report.entries.get('alert')?.result).toBe('alerted');
    expect(executor.requests.find((r) => r.task.name === 'alert')?.upstream).toEqual({ broken: { status: 'errored' } });
  });

  it('rejects an unknown rule when the task is built', () => {
    expect(() => new Task('t', () => 1, { runIf: 'sometimes' as never })).toThrow(InvalidOptionError);
    expect(() => new Task('t', () => 1, { runIf: 'sometimes' as never })).toThrow(
      "Task \"t\": expected `runIf` to be one of 'allSuccess', 'allDone', 'anyFailed', 'allFailed', 'noneFailed', 'anySuccess', got `\"sometimes\"` (string)",
    );
  });
});
