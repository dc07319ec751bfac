import { describe, expect, it } from 'vitest';
import { InvalidOptionError, Process, ProcessExecutionReport, type RunOptions, Task } from '../dist/index.js';
import { nextMacrotask } from './fixtures/control.js';

const work = async () => {
  await nextMacrotask();
};

/** The order tasks start in, from the run's events. */
async function startOrder(tasks: Task[], options: RunOptions): Promise<string[]> {
  const started: string[] = [];
  await new Process(tasks).run({
    ...options,
    onEvent: (e) => {
      if (e.type === 'task:started') started.push(e.taskName);
    },
  });
  return started;
}

/** Eight short independent tasks listed first (so first in topological order), then a chain of five. */
function chainBesideShortTasks(): Task[] {
  const short = Array.from({ length: 8 }, (_, i) => new Task(`short_${i}`, work));
  const chain = Array.from(
    { length: 5 },
    (_, i) => new Task(`chain_${i}`, work, { dependencies: i === 0 ? [] : [`chain_${i - 1}`] }),
  );
  return [...short, ...chain];
}

describe('critical-path-first scheduling', () => {
  it('starts the head of the longest remaining path first when more tasks are ready than can run', async () => {
    const order = await startOrder(chainBesideShortTasks(), { parallel: true, maxWorkers: 2 });
    expect(order[0]).toBe('chain_0');
    // Each link of the chain starts as soon as the one before it ends, ahead of the short tasks still waiting.
    expect(order.indexOf('chain_1')).toBeLessThan(order.indexOf('short_7'));
  });

  it('keeps topological order when tasks run one at a time (the Python library’s sequential order)', async () => {
    const tasks = chainBesideShortTasks();
    expect(await startOrder(tasks, { parallel: false })).toEqual(new Process(tasks).tasks.map((t) => t.name));
  });

  it('weighs paths by the durations given, from an object or a saved report', async () => {
    const tasks = [new Task('a', work), new Task('b', work), new Task('c', work)];
    expect(await startOrder(tasks, { parallel: true, maxWorkers: 1, durations: { c: 500, a: 1, b: 1 } })).toEqual([
      'a',
      'b',
      'c',
    ]);
    const two = { parallel: true, maxWorkers: 2 } as const;
    expect((await startOrder(tasks, { ...two, durations: { c: 500, a: 1, b: 1 } }))[0]).toBe('c');
    const saved = ProcessExecutionReport.fromJSON({
      schema_version: 2,
      process_name: '',
      entries: Object.fromEntries(
        [
          ['a', 5],
          ['b', 900],
          ['c', 5],
        ].map(([name, ms]) => [
          name,
          {
            name,
            function: 'work',
            args: [],
            kwargs: {},
            status: 'success',
            elapsed_seconds: Number(ms) / 1000,
            attempts: 1,
            result: null,
            error: null,
          },
        ]),
      ),
    });
    expect((await startOrder(tasks, { ...two, durations: saved }))[0]).toBe('b');
  });

  it('lets an explicit priority override the critical path', async () => {
    const tasks = chainBesideShortTasks().map((t) =>
      t.name === 'short_5' ? new Task('short_5', work, { priority: 10 }) : t,
    );
    const order = await startOrder(tasks, { parallel: true, maxWorkers: 2 });
    expect(order.slice(0, 2)).toEqual(['short_5', 'chain_0']);
  });

  it('rejects durations that are not a report or milliseconds by name', async () => {
    await expect(new Process([]).run({ durations: { a: -1 } })).rejects.toThrow(InvalidOptionError);
    expect(() => new Task('t', work, { priority: Number.NaN })).toThrow(InvalidOptionError);
  });
});
