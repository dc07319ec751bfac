import { describe, expect, it } from 'vitest';
import { Process, Task, TaskDependency } from '../dist/index.js';

/** A task body that records exactly what it was called with (rest args: `received.length` is `arguments.length`). */
function recorder() {
  const calls: unknown[][] = [];
  const fn = (...received: unknown[]) => {
    calls.push(received);
    return 'done';
  };
  return { calls, fn };
}

const constant = (name: string, value: unknown) => new Task(name, () => value);

async function runAll(tasks: Task[]) {
  const report = await new Process(tasks).run({ parallel: false });
  expect(report.ok).toBe(true);
  return report;
}

describe('result injection', () => {
  it('appends positional results after the own args, in dependency-list order', async () => {
    const target = recorder();
    await runAll([
      constant('a', 'A'),
      constant('b', 'B'),
      new Task('t', target.fn, {
        args: [1, 2],
        // b is listed before a: the order of this list decides, not the order the tasks ran in.
        dependencies: [
          new TaskDependency('b', { useResultAsAdditionalArgs: true }),
          new TaskDependency('a', { useResultAsAdditionalArgs: true }),
        ],
      }),
    ]);
    expect(target.calls).toEqual([[1, 2, 'B', 'A']]);
  });

  it('passes an injected `undefined` as an argument of its own', async () => {
    const target = recorder();
    await runAll([
      constant('nothing', undefined),
      constant('b', 'B'),
      new Task('t', target.fn, {
        dependencies: [
          new TaskDependency('nothing', { useResultAsAdditionalArgs: true }),
          new TaskDependency('b', { useResultAsAdditionalArgs: true }),
        ],
      }),
    ]);
    expect(target.calls[0]).toHaveLength(2);
    expect(target.calls[0]).toEqual([undefined, 'B']);
  });

  it('merges kwargs and kwarg injections into one options object passed last', async () => {
    const target = recorder();
    await runAll([
      constant('a', 'A'),
      constant('b', 'B'),
      new Task('t', target.fn, {
        args: ['own'],
        kwargs: { keep: 1, fromA: 'own value' },
        dependencies: [
          new TaskDependency('a', { useResultAsAdditionalKwargs: true, additionalKwargName: 'fromA' }),
          new TaskDependency('b', { useResultAsAdditionalKwargs: true, additionalKwargName: 'fromB' }),
        ],
      }),
    ]);
    expect(target.calls).toEqual([['own', { keep: 1, fromA: 'A', fromB: 'B' }]]);
  });

  it('lets a later dependency override an earlier one under the same kwarg name', async () => {
    const target = recorder();
    await runAll([
      constant('first', 'from first'),
      constant('second', 'from second'),
      new Task('t', target.fn, {
        kwargs: { value: 'own' },
        dependencies: [
          new TaskDependency('second', { useResultAsAdditionalKwargs: true, additionalKwargName: 'value' }),
          new TaskDependency('first', { useResultAsAdditionalKwargs: true, additionalKwargName: 'value' }),
        ],
      }),
    ]);
    // `first` is listed last, so it wins, although it ran first.
    expect(target.calls).toEqual([[{ value: 'from first' }]]);
  });

  it('injects a result both positionally and as a kwarg when both flags are set', async () => {
    const target = recorder();
    await runAll([
      constant('a', { rows: 3 }),
      new Task('t', target.fn, {
        args: [0],
        dependencies: [
          new TaskDependency('a', {
            useResultAsAdditionalArgs: true,
            useResultAsAdditionalKwargs: true,
            additionalKwargName: 'data',
          }),
        ],
      }),
    ]);
    expect(target.calls).toEqual([[0, { rows: 3 }, { data: { rows: 3 } }]]);
  });

  it('puts positional injections before the options object', async () => {
    const target = recorder();
    await runAll([
      constant('a', 'A'),
      constant('b', 'B'),
      new Task('t', target.fn, {
        args: [1],
        kwargs: { k: true },
        dependencies: [
          new TaskDependency('a', { useResultAsAdditionalKwargs: true, additionalKwargName: 'a' }),
          new TaskDependency('b', { useResultAsAdditionalArgs: true }),
        ],
      }),
    ]);
    expect(target.calls).toEqual([[1, 'B', { k: true, a: 'A' }]]);
  });

  it('passes no options object when the task has no kwargs and no kwarg injection', async () => {
    const target = recorder();
    await runAll([
      constant('a', 'A'),
      new Task('t', target.fn, {
        args: [1, 2],
        dependencies: [new TaskDependency('a', { useResultAsAdditionalArgs: true })],
      }),
    ]);
    expect(target.calls[0]).toHaveLength(3);
  });

  it('calls a task without args, kwargs or injections with no arguments at all', async () => {
    const target = recorder();
    await runAll([constant('a', 'A'), new Task('t', target.fn, { dependencies: ['a'] })]);
    expect(target.calls).toEqual([[]]);
  });

  it('passes an empty options object when kwargs is given as {}', async () => {
    const target = recorder();
    await runAll([new Task('t', target.fn, { args: [1], kwargs: {} })]);
    expect(target.calls).toEqual([[1, {}]]);
  });

  it('passes an options object (holding only the injection) when there are no own kwargs', async () => {
    const target = recorder();
    await runAll([
      constant('a', 'A'),
      new Task('t', target.fn, {
        dependencies: [new TaskDependency('a', { useResultAsAdditionalKwargs: true, additionalKwargName: 'x' })],
      }),
    ]);
    expect(target.calls).toEqual([[{ x: 'A' }]]);
  });

  it('injects nothing for an order-only dependency, given as an object or as a name', async () => {
    const target = recorder();
    const order: string[] = [];
    await runAll([
      new Task('t', target.fn, {
        args: ['own'],
        dependencies: [new TaskDependency('a'), 'b'],
      }),
      new Task('a', () => {
        order.push('a');
        return 'A';
      }),
      new Task('b', () => {
        order.push('b');
        return 'B';
      }),
    ]);
    expect(order).toEqual(['a', 'b']);
    expect(target.calls).toEqual([['own']]);
  });

  it('passes a fresh options object to each attempt, and the report keeps the own args and kwargs', async () => {
    const seen: object[] = [];
    const report = await new Process([
      constant('a', 'A'),
      new Task(
        't',
        (options: { own?: number; a?: string; mutated?: boolean }) => {
          seen.push({ ...options });
          options.mutated = true; // a task scribbling on its options must not leak into the next attempt
          if (seen.length < 2) throw Object.assign(new Error('flaky'), { code: 'ECONNRESET' });
          return 'ok';
        },
        {
          kwargs: { own: 1 },
          retries: 1,
          dependencies: [new TaskDependency('a', { useResultAsAdditionalKwargs: true, additionalKwargName: 'a' })],
        },
      ),
    ]).run({ parallel: false });
    expect(seen).toEqual([
      { own: 1, a: 'A' },
      { own: 1, a: 'A' },
    ]);
    const entry = report.entries.get('t');
    expect(entry?.status).toBe('success');
    expect(entry?.kwargs).toEqual({ own: 1 });
    expect(entry?.args).toEqual([]);
  });

  it('passes the options object to a task whose kwarg dependency was added through the process', async () => {
    const target = recorder();
    const p = new Process([constant('a', 'A'), new Task('t', target.fn, { args: [1] })]);
    p.addTaskDependency('t', new TaskDependency('a', { useResultAsAdditionalKwargs: true, additionalKwargName: 'a' }));
    const report = await p.run({ parallel: false });
    expect(report.ok).toBe(true);
    expect(target.calls).toEqual([[1, { a: 'A' }]]);
  });
});
