import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  CircularDependencyError,
  DependencyNotFoundError,
  DuplicateTaskError,
  InvalidOptionError,
  Process,
  ProcessesError,
  type RunOptions,
  SelfDependencyError,
  Task,
  TaskStatus,
  UnknownOptionError,
} from '../dist/index.js';
import { bad, expectThrows } from './helpers/expect-error.js';

const fn = () => 1;
const task = (name: string, ...dependencies: string[]) => new Task(name, fn, { dependencies });

describe('Process construction', () => {
  it('rejects tasks that are not an array', () => {
    expectThrows(() => new Process(bad(task('load'))), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'tasks',
      message: 'Process: expected `tasks` to be an array of Task objects, got an object (Task)',
    });
  });

  it('rejects an element that is not a Task with a clear error (the seed crashed in its cleanup)', () => {
    expectThrows(() => new Process(bad([1])), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'tasks[0]',
      received: 1,
      message: 'Process: expected `tasks[0]` to be a Task, got `1` (number)',
    });
  });

  it('names the position of a non-Task further down the list', () => {
    expectThrows(() => new Process(bad([task('load'), { name: 'apply' }])), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      field: 'tasks[1]',
      message: 'Process: expected `tasks[1]` to be a Task, got an object (Object)',
    });
  });

  it('rejects an unknown option and suggests the right one', () => {
    expectThrows(() => new Process([], bad({ title: 'etl' })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      field: 'title',
      message: 'Process: unknown option `title`. Known options: name, logger, redact, pools.',
    });
    expectThrows(() => new Process([], bad({ nmae: 'etl' })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      field: 'nmae',
      message: 'Process: unknown option `nmae`. Did you mean `name`? Known options: name, logger, redact, pools.',
    });
  });

  it('rejects a name that is not a string', () => {
    expectThrows(() => new Process([], bad({ name: 42 })), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      field: 'name',
      message: 'Process: expected `name` to be a string, got `42` (number)',
    });
  });

  it('rejects a logger that is not a logger', () => {
    expectThrows(() => new Process([], bad({ logger: console })), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      field: 'logger',
      message: 'Process: expected `logger` to be a pino logger, got an object (Console)',
    });
  });

  it('accepts a pino logger and a name', () => {
    const p = new Process([task('load')], { name: 'nightly-etl', logger: pino({ level: 'silent' }) });
    expect(p.name).toBe('nightly-etl');
  });

  it('accepts an empty task list, and runs it', async () => {
    const p = new Process([]);
    expect(p.tasks).toEqual([]);
    expect(p.name).toBe('');
    const report = await p.run();
    expect(report.entries.size).toBe(0);
  });
});

describe('Process graph validation', () => {
  it('rejects two tasks whose names differ only in case', () => {
    expectThrows(() => new Process([task('load'), new Task('Fetch', fn), new Task('fetch', fn)]), DuplicateTaskError, {
      code: 'PROC_DUPLICATE_TASK',
      taskName: 'fetch',
      message: 'Duplicate task name: "fetch". Task names are unique within a process, ignoring case.',
    });
  });

  it('rejects a dependency on a missing task, naming both tasks', () => {
    expectThrows(() => new Process([task('report', 'laod'), task('load')]), DependencyNotFoundError, {
      code: 'PROC_DEPENDENCY_NOT_FOUND',
      taskName: 'report',
      missingDependency: 'laod',
      message: 'Task "report" depends on missing task "laod".',
    });
  });

  it('rejects a cycle and names its path', () => {
    const error = expectThrows(
      () => new Process([task('a', 'b'), task('b', 'c'), task('c', 'a')]),
      CircularDependencyError,
      {
        code: 'PROC_CIRCULAR_DEPENDENCY',
        taskName: 'a',
        cycle: ['a', 'b', 'c', 'a'],
        message: 'Circular dependency detected: a -> b -> c -> a (each task depends on the next).',
      },
    );
    expect(error).not.toBeInstanceOf(SelfDependencyError);
  });

  it('rejects a two-task cycle', () => {
    expectThrows(() => new Process([task('x', 'y'), task('y', 'x')]), CircularDependencyError, {
      code: 'PROC_CIRCULAR_DEPENDENCY',
      cycle: ['x', 'y', 'x'],
      message: 'Circular dependency detected: x -> y -> x (each task depends on the next).',
    });
  });

  it('starts the cycle at its task listed first, leaving out tasks that only lead into it', () => {
    // `entry` depends on the cycle but is not on it; `b` is the cycle's first task in the list.
    const tasks = [task('load'), task('entry', 'c'), task('b', 'c'), task('a', 'b', 'load'), task('c', 'a')];
    const error = expectThrows(() => new Process(tasks), CircularDependencyError, {
      code: 'PROC_CIRCULAR_DEPENDENCY',
      taskName: 'b',
      cycle: ['b', 'c', 'a', 'b'],
      message: 'Circular dependency detected: b -> c -> a -> b (each task depends on the next).',
    });
    // The same tasks in another order give the same cycle, rotated to the new first-listed task.
    const reversed = expectThrows(() => new Process([...tasks].reverse()), CircularDependencyError, {
      code: 'PROC_CIRCULAR_DEPENDENCY',
      cycle: ['c', 'a', 'b', 'c'],
      message: 'Circular dependency detected: c -> a -> b -> c (each task depends on the next).',
    });
    expect(new Set(reversed.cycle)).toEqual(new Set(error.cycle));
  });

  it('reports a missing dependency before a cycle', () => {
    expect(() => new Process([task('a', 'b'), task('b', 'a'), task('c', 'nope')])).toThrow(DependencyNotFoundError);
  });

  it('throws only ProcessesError subclasses for bad input', () => {
    const attempts: (() => unknown)[] = [
      () => new Process(bad(null)),
      () => new Process([task('a'), task('A')]),
      () => new Process([task('a', 'b')]),
      () => new Process([task('a', 'b'), task('b', 'a')]),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(ProcessesError);
  });
});

describe('run() options', () => {
  const RUN_OPTIONS =
    'Known options: parallel, maxWorkers, signal, pool, onEvent, durations, executors, resumeFrom, cache, checkpoint.';

  it.each<[string, unknown, string, string]>([
    [
      'parallel "yes"',
      { parallel: 'yes' },
      'parallel',
      'run(): expected `parallel` to be a boolean, got `"yes"` (string)',
    ],
    [
      'maxWorkers 2.5',
      { maxWorkers: 2.5 },
      'maxWorkers',
      'run(): expected `maxWorkers` to be an integer, got `2.5` (number)',
    ],
    [
      'maxWorkers "4"',
      { maxWorkers: '4' },
      'maxWorkers',
      'run(): expected `maxWorkers` to be an integer, got `"4"` (string)',
    ],
    [
      'maxWorkers 0 (once clamped to 1)',
      { maxWorkers: 0 },
      'maxWorkers',
      'run(): expected `maxWorkers` to be an integer >= 1 (1 runs one task at a time), got `0` (number)',
    ],
    [
      'maxWorkers -1',
      { maxWorkers: -1 },
      'maxWorkers',
      'run(): expected `maxWorkers` to be an integer >= 1 (1 runs one task at a time), got `-1` (number)',
    ],
    [
      'an AbortController as signal',
      { signal: new AbortController() },
      'signal',
      'run(): expected `signal` to be an AbortSignal, got an object (AbortController)',
    ],
    [
      'onEvent "log"',
      { onEvent: 'log' },
      'onEvent',
      'run(): expected `onEvent` to be a function, got `"log"` (string)',
    ],
    [
      'options that are not an object',
      true,
      'options',
      'run(): expected `options` to be a plain object, got `true` (boolean)',
    ],
  ])('rejects %s before any task runs', async (_, options, field, message) => {
    const load = vi.fn(() => 1);
    const p = new Process([new Task('load', load)]);
    const running = p.run(bad(options));
    await expect(running).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(running).rejects.toMatchObject({ code: 'PROC_INVALID_OPTION', field, message });
    expect(load).not.toHaveBeenCalled();
  });

  it('rejects an unknown option and suggests the camelCase name', async () => {
    const p = new Process([task('load')]);
    const running = p.run(bad({ max_workers: 2 }));
    await expect(running).rejects.toBeInstanceOf(UnknownOptionError);
    await expect(running).rejects.toMatchObject({
      code: 'PROC_UNKNOWN_OPTION',
      field: 'max_workers',
      message: `run(): unknown option \`max_workers\`. Did you mean \`maxWorkers\`? ${RUN_OPTIONS}`,
    });
  });

  it('reports bad options as a rejection, never a synchronous throw', async () => {
    const p = new Process([task('load')]);
    let running: Promise<unknown> | undefined;
    expect(() => {
      running = p.run(bad({ parallel: 1 }));
    }).not.toThrow();
    await expect(running).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it('accepts every valid option', async () => {
    const events: string[] = [];
    const options: RunOptions = {
      parallel: true,
      maxWorkers: 1,
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event.type),
    };
    const report = await new Process([task('load'), task('apply', 'load')]).run(options);
    expect([...report.entries.values()].map((e) => e.status)).toEqual([TaskStatus.SUCCESS, TaskStatus.SUCCESS]);
    expect(events[0]).toBe('run:started');
    expect(events.at(-1)).toBe('run:finished');
  });
});
