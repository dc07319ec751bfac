import { afterAll, describe, expect, it } from 'vitest';
import { Process, type ProcessExecutionReport, TaskDependency, WorkerPool } from '../dist/index.js';
import { workerFixture } from './helpers/worker-fixtures.js';

const pool = new WorkerPool({ maxThreads: 2 });
afterAll(() => pool.close());
const asArg = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });
const MiB = 1024 * 1024;
/** Byte length of a task's Uint8Array result as the main thread holds it now (0 once moved away). */
const bytesHeld = (report: ProcessExecutionReport, name: string) =>
  (report.entries.get(name)?.result as Uint8Array | undefined)?.byteLength;

describe('moving buffers between threads', () => {
  it('hands a result back by copy unless the task asks for transfer', async () => {
    const report = await new Process([workerFixture('make', 'makeBuffer', { args: [MiB, 7] })]).run({ pool });
    const bytes = report.entries.get('make')?.result as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(MiB);
    expect(bytes[MiB - 1]).toBe(7);
  });

  it('moves a buffer through a chain of worker tasks without copying it', async () => {
    const report = await new Process([
      workerFixture('make', 'makeBuffer', { args: [4 * MiB, 1], transferResult: true }),
      workerFixture('step1', 'incrementBytes', { dependencies: [asArg('make')], transferResult: true }),
      workerFixture('step2', 'incrementBytes', { dependencies: [asArg('step1')], transferResult: true }),
      workerFixture('inspect', 'bufferInfo', { dependencies: [asArg('step2')] }),
    ]).run({ pool });
    expect(report.entries.get('inspect')?.result).toEqual({ length: 4 * MiB, first: 3, last: 3 });
    // Each hop moved the buffer on: the main thread's reference to every intermediate is detached.
    for (const name of ['make', 'step1', 'step2']) {
      expect(bytesHeld(report, name), name).toBe(0);
    }
  });

  it('copies a transferred result that two tasks consume, so both get the data', async () => {
    const report = await new Process([
      workerFixture('make', 'makeBuffer', { args: [MiB, 9], transferResult: true }),
      workerFixture('left', 'bufferInfo', { dependencies: [asArg('make')] }),
      workerFixture('right', 'bufferInfo', { dependencies: [asArg('make')] }),
    ]).run({ pool });
    const expected = { length: MiB, first: 9, last: 9 };
    expect(report.entries.get('left')?.result).toEqual(expected);
    expect(report.entries.get('right')?.result).toEqual(expected);
    expect(bytesHeld(report, 'make')).toBe(MiB);
  });

  it('copies the input of a task that may retry, so a retry gets the data intact', async () => {
    const report = await new Process([
      workerFixture('make', 'makeBuffer', { args: [MiB, 5], transferResult: true }),
      workerFixture('consume', 'bufferInfo', { dependencies: [asArg('make')], retries: 2 }),
    ]).run({ pool });
    expect(report.entries.get('consume')?.result).toEqual({ length: MiB, first: 5, last: 5 });
    expect(bytesHeld(report, 'make')).toBe(MiB);
  });

  it('injects a transferred result into a main-thread task as a usable buffer', async () => {
    const { Task } = await import('../dist/index.js');
    const report = await new Process([
      workerFixture('make', 'makeBuffer', { args: [1024, 4], transferResult: true }),
      new Task('sum', (bytes: Uint8Array) => bytes.reduce((a, b) => a + b, 0), { dependencies: [asArg('make')] }),
    ]).run({ pool });
    expect(report.entries.get('sum')?.result).toBe(4096);
  });
});
