import { describe, expect, it } from 'vitest';
import {
  CircularDependencyError,
  DuplicateDependencyError,
  InvalidOptionError,
  ProcessesError,
  SelfDependencyError,
  Task,
  TaskDependency,
  type TaskOptions,
  UnknownOptionError,
} from '../dist/index.js';
import { bad, expectThrows } from './helpers/expect-error.js';

const fn = () => 1;
const TASK_OPTIONS =
  'logPath, args, kwargs, dependencies, tracedVarsFrameFilter, captureTracedVars, timeoutMs, retries, retryOn, retryDelayMs, transferResult, map, maxParallel, mapBatchSize, allowPartial, runIf, pool, poolSlots, priority, retryOnOom, cache, cacheKey, cacheEnv';
const RETRY_ON =
  'expected `retryOn` to be an array of named Error classes or error code strings, or a predicate function';
const RETRY_ON_ELEMENT = 'to be a named Error class or a non-empty error code string';

/** `new Task('load', fn, options)` must throw InvalidOptionError for `field` with exactly `message`. */
function expectInvalidTaskOption(options: unknown, field: string, message: string): InvalidOptionError {
  const error = expectThrows(() => new Task('load', fn, bad(options)), InvalidOptionError, {
    code: 'PROC_INVALID_OPTION',
    taskName: 'load',
    field,
    message,
  });
  expect(error).toBeInstanceOf(ProcessesError);
  return error;
}

describe('Task name', () => {
  it.each([
    ['a number', 1, 'Task: expected `name` to be a non-empty string without whitespace, got `1` (number)'],
    ['empty', '', 'Task "": expected `name` to be a non-empty string without whitespace, got `""` (string)'],
    [
      'containing a space',
      'load data',
      'Task "load data": expected `name` to be a non-empty string without whitespace, got `"load data"` (string)',
    ],
    [
      'containing a tab',
      'load\tdata',
      'Task "load\tdata": expected `name` to be a non-empty string without whitespace, got `"load\\tdata"` (string)',
    ],
  ])('rejects a name that is %s', (_, name, message) => {
    const error = expectThrows(() => new Task(bad(name), fn), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'name',
      message,
    });
    expect(error.received).toBe(name);
    expect(error.expected).toBe('a non-empty string without whitespace');
  });

  it('is normalised to lower case', () => {
    expect(new Task('Load_Users', fn).name).toBe('load_users');
  });

  it('names the task as written but reports the normalised name in `taskName`', () => {
    expectThrows(() => new Task('Load', fn, bad({ timeoutMs: -1 })), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: 'load',
      field: 'timeoutMs',
      message: 'Task "Load": expected `timeoutMs` to be a finite number > 0 or null, got `-1` (number)',
    });
  });
});

describe('Task function and options object', () => {
  it('rejects a fn that is not a function', () => {
    expectThrows(() => new Task('load', bad('load.js')), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: 'load',
      field: 'fn',
      message:
        'Task "load": expected `fn` to be a function or a workerTask(moduleUrl, exportName), got `"load.js"` (string)',
    });
  });

  it('rejects options that are not a plain object', () => {
    expectInvalidTaskOption(
      [1, 2],
      'options',
      'Task "load": expected `options` to be a plain object, got an array of length 2',
    );
  });

  it('rejects `timeout` and suggests `timeoutMs`', () => {
    expectThrows(() => new Task('load', fn, bad({ timeout: 5 })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      taskName: 'load',
      field: 'timeout',
      message: `Task "load": unknown option \`timeout\`. Did you mean \`timeoutMs\`? Known options: ${TASK_OPTIONS}.`,
    });
  });

  it('rejects the Python name `retry_on` and suggests `retryOn`', () => {
    expectThrows(() => new Task('load', fn, bad({ retry_on: [] })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      taskName: 'load',
      field: 'retry_on',
      message: `Task "load": unknown option \`retry_on\`. Did you mean \`retryOn\`? Known options: ${TASK_OPTIONS}.`,
    });
  });
});

describe('Task args, kwargs, dependencies, tracedVarsFrameFilter', () => {
  it('rejects args that are not an array', () => {
    expectInvalidTaskOption(
      { args: 'abc' },
      'args',
      'Task "load": expected `args` to be an array, got `"abc"` (string)',
    );
  });

  it('rejects kwargs given as an array', () => {
    expectInvalidTaskOption(
      { kwargs: [1] },
      'kwargs',
      'Task "load": expected `kwargs` to be a plain object, got an array of length 1',
    );
  });

  it('rejects kwargs given as a class instance', () => {
    class Settings {
      factor = 3;
    }
    expectInvalidTaskOption(
      { kwargs: new Settings() },
      'kwargs',
      'Task "load": expected `kwargs` to be a plain object, got an object (Settings)',
    );
  });

  it('accepts kwargs with a null prototype', () => {
    const kwargs = Object.assign(Object.create(null) as Record<string, unknown>, { factor: 3 });
    expect(new Task('load', fn, { kwargs }).kwargs).toEqual({ factor: 3 });
  });

  it('rejects dependencies that are not an array', () => {
    expectInvalidTaskOption(
      { dependencies: 'extract' },
      'dependencies',
      'Task "load": expected `dependencies` to be an array of TaskDependency objects or task names, got `"extract"` (string)',
    );
  });

  it('rejects a dependency that is neither a TaskDependency nor a name, naming its index', () => {
    const error = expectInvalidTaskOption(
      { dependencies: ['extract', { taskName: 'clean' }] },
      'dependencies[1]',
      'Task "load": expected `dependencies[1]` to be a TaskDependency or a task name, got an object (Object)',
    );
    expect(error.received).toEqual({ taskName: 'clean' });
  });

  it('rejects a tracedVarsFrameFilter that is not a string or null', () => {
    expectInvalidTaskOption(
      { tracedVarsFrameFilter: /etl/ },
      'tracedVarsFrameFilter',
      'Task "load": expected `tracedVarsFrameFilter` to be a string or null, got an object (RegExp)',
    );
  });
});

describe('Task timeoutMs', () => {
  it.each([
    [0, '`0` (number)'],
    [-1, '`-1` (number)'],
    ['30', '`"30"` (string)'],
    [true, '`true` (boolean)'],
    [Number.POSITIVE_INFINITY, '`Infinity` (number)'],
    [Number.NaN, '`NaN` (number)'],
  ])('rejects %s', (timeoutMs, got) => {
    const error = expectInvalidTaskOption(
      { timeoutMs },
      'timeoutMs',
      `Task "load": expected \`timeoutMs\` to be a finite number > 0 or null, got ${got}`,
    );
    expect(error.received).toBe(timeoutMs);
    expect(error.expected).toBe('a finite number > 0 or null');
  });

  it('accepts a positive number and null', () => {
    expect(new Task('load', fn, { timeoutMs: 0.5 }).timeoutMs).toBe(0.5);
    expect(new Task('load', fn, { timeoutMs: null }).timeoutMs).toBeNull();
    expect(new Task('load', fn).timeoutMs).toBeNull();
  });
});

describe('Task retries', () => {
  it.each([
    [-1, '`-1` (number)'],
    [1.5, '`1.5` (number)'],
    [true, '`true` (boolean)'],
  ])('rejects %s', (retries, got) => {
    expectInvalidTaskOption(
      { retries },
      'retries',
      `Task "load": expected \`retries\` to be an integer >= 0, got ${got}`,
    );
  });
});

describe('Task retryOn', () => {
  it('rejects a string', () => {
    expectInvalidTaskOption(
      { retryOn: 'ECONNRESET' },
      'retryOn',
      `Task "load": ${RETRY_ON}, got \`"ECONNRESET"\` (string)`,
    );
  });

  it('rejects an array holding a number, naming the element', () => {
    expectInvalidTaskOption(
      { retryOn: ['ECONNRESET', 503] },
      'retryOn[1]',
      `Task "load": expected \`retryOn[1]\` ${RETRY_ON_ELEMENT}, got \`503\` (number)`,
    );
  });

  it('rejects an Error class that is not in an array and says how to fix it', () => {
    expectInvalidTaskOption(
      { retryOn: TypeError },
      'retryOn',
      `Task "load": ${RETRY_ON}, got a function named \`TypeError\`. Put Error classes in an array: \`retryOn: [TypeError]\`.`,
    );
  });

  it('rejects an anonymous Error class, which could never match by name', () => {
    expectInvalidTaskOption(
      { retryOn: [class extends Error {}] },
      'retryOn[0]',
      `Task "load": expected \`retryOn[0]\` ${RETRY_ON_ELEMENT}, got an anonymous function. ` +
        'Classes are matched by name, and this class has none: declare it as `class MyError extends Error {}`.',
    );
  });

  it('accepts a predicate, an empty array, named classes and codes', () => {
    const predicate = (error: { code?: string }) => error.code === 'E_BUSY';
    expect(new Task('load', fn, { retryOn: predicate }).retryOn).toBe(predicate);
    expect(new Task('load', fn, { retryOn: [] }).retryOn).toEqual([]);
    class RateLimitError extends Error {}
    const retryOn = [RateLimitError, 'ECONNRESET'];
    const task = new Task('load', fn, { retryOn });
    expect(task.retryOn).toEqual(retryOn);
    expect(task.retryOn).not.toBe(retryOn);
  });
});

describe('Task retryDelayMs and transferResult', () => {
  it('rejects a negative delay', () => {
    expectInvalidTaskOption(
      { retryDelayMs: -1 },
      'retryDelayMs',
      'Task "load": expected `retryDelayMs` to be a number >= 0 or a backoff object, got `-1` (number)',
    );
  });

  it('rejects a backoff object without initialMs', () => {
    expectInvalidTaskOption(
      { retryDelayMs: { factor: 2 } },
      'retryDelayMs.initialMs',
      'Task "load": expected `retryDelayMs.initialMs` to be a finite number >= 0, got `undefined`',
    );
  });

  it('rejects a backoff factor below 1', () => {
    expectInvalidTaskOption(
      { retryDelayMs: { initialMs: 100, factor: 0.5 } },
      'retryDelayMs.factor',
      'Task "load": expected `retryDelayMs.factor` to be a finite number >= 1, got `0.5` (number)',
    );
  });

  it('rejects a jitter above 1', () => {
    expectInvalidTaskOption(
      { retryDelayMs: { initialMs: 100, jitter: 2 } },
      'retryDelayMs.jitter',
      'Task "load": expected `retryDelayMs.jitter` to be a number from 0 to 1, got `2` (number)',
    );
  });

  it('rejects an unknown key inside the backoff object', () => {
    expectThrows(() => new Task('load', fn, bad({ retryDelayMs: { initialMs: 100, max: 1000 } })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      taskName: 'load',
      field: 'retryDelayMs.max',
      message:
        'Task "load": unknown option `retryDelayMs.max`. Did you mean `maxMs`? Known options: initialMs, factor, maxMs, jitter.',
    });
  });

  it('accepts a complete backoff object', () => {
    const retryDelayMs = { initialMs: 200, factor: 2, maxMs: 5_000, jitter: 0.2 };
    expect(new Task('load', fn, { retryDelayMs }).retryDelayMs).toEqual(retryDelayMs);
  });

  it('rejects a transferResult that is not a boolean', () => {
    expectInvalidTaskOption(
      { transferResult: 1 },
      'transferResult',
      'Task "load": expected `transferResult` to be a boolean, got `1` (number)',
    );
  });
});

describe('TaskDependency', () => {
  it('rejects a name that is not a string', () => {
    expectThrows(() => new TaskDependency(bad(7)), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'taskName',
      message: 'TaskDependency: expected `taskName` to be a non-empty string without whitespace, got `7` (number)',
    });
  });

  it.each([
    ['useResultAsAdditionalArgs', { useResultAsAdditionalArgs: 1 }],
    ['useResultAsAdditionalKwargs', { useResultAsAdditionalKwargs: 1, additionalKwargName: 'users' }],
  ])('rejects 1 instead of true for %s', (field, options) => {
    expectThrows(() => new TaskDependency('load', bad(options)), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field,
      message: `TaskDependency "load": expected \`${field}\` to be a boolean, got \`1\` (number)`,
    });
  });

  it('rejects the kwargs flag without additionalKwargName', () => {
    expectThrows(() => new TaskDependency('load', { useResultAsAdditionalKwargs: true }), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'additionalKwargName',
      message:
        'TaskDependency "load": expected `additionalKwargName` to be a non-empty string when `useResultAsAdditionalKwargs` is true, got `undefined`',
    });
  });

  it('rejects additionalKwargName without the kwargs flag', () => {
    expectThrows(() => new TaskDependency('load', { additionalKwargName: 'users' }), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: undefined,
      field: 'useResultAsAdditionalKwargs',
      message:
        'TaskDependency "load": expected `useResultAsAdditionalKwargs` to be `true` when `additionalKwargName` is given (the name is only used to inject the result), got `undefined`',
    });
  });

  it('rejects an unknown option and suggests the camelCase name', () => {
    expectThrows(() => new TaskDependency('load', bad({ use_result_as_additional_args: true })), UnknownOptionError, {
      code: 'PROC_UNKNOWN_OPTION',
      taskName: undefined,
      field: 'use_result_as_additional_args',
      message:
        'TaskDependency "load": unknown option `use_result_as_additional_args`. Did you mean `useResultAsAdditionalArgs`? ' +
        'Known options: useResultAsAdditionalArgs, useResultAsAdditionalKwargs, additionalKwargName.',
    });
  });

  it('normalises the name and defaults the flags', () => {
    const dependency = new TaskDependency('Load');
    expect(dependency).toMatchObject({
      taskName: 'load',
      useResultAsAdditionalArgs: false,
      useResultAsAdditionalKwargs: false,
      additionalKwargName: '',
    });
  });

  it('accepts both flags at once', () => {
    const dependency = new TaskDependency('load', {
      useResultAsAdditionalArgs: true,
      useResultAsAdditionalKwargs: true,
      additionalKwargName: 'users',
    });
    expect(dependency).toMatchObject({ useResultAsAdditionalArgs: true, additionalKwargName: 'users' });
  });
});

describe('Task dependencies list', () => {
  it('rejects the same dependency twice, ignoring case', () => {
    expectThrows(
      () => new Task('report', fn, { dependencies: ['load', new TaskDependency('LOAD')] }),
      DuplicateDependencyError,
      {
        code: 'PROC_DUPLICATE_DEPENDENCY',
        taskName: 'report',
        dependencyName: 'load',
        message: 'Task "report" already depends on "load".',
      },
    );
  });

  it('rejects a task that depends on itself, as a circular dependency', () => {
    const error = expectThrows(() => new Task('Report', fn, { dependencies: ['REPORT'] }), SelfDependencyError, {
      code: 'PROC_SELF_DEPENDENCY',
      taskName: 'report',
      cycle: ['report', 'report'],
      message: 'Task "report" lists itself as a dependency.',
    });
    expect(error).toBeInstanceOf(CircularDependencyError);
  });

  it('accepts task names as shorthand for plain dependencies, lower-cased', () => {
    const task = new Task('report', fn, { dependencies: ['Load', new TaskDependency('clean')] });
    expect(task.dependencies.map((d) => d.taskName)).toEqual(['load', 'clean']);
    expect(task.dependencies[0]).toBeInstanceOf(TaskDependency);
    expect(task.dependencies[0]).toMatchObject({
      useResultAsAdditionalArgs: false,
      useResultAsAdditionalKwargs: false,
    });
  });

  it('rejects a shorthand dependency name with whitespace, naming the task and the index', () => {
    expectThrows(() => new Task('report', fn, { dependencies: ['load', 'clean data'] }), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: 'report',
      field: 'dependencies[1]',
      message:
        'Task "report": expected `dependencies[1]` to be a non-empty string without whitespace, got `"clean data"` (string)',
    });
  });

  it('copies the caller arrays, so changing them later does not change the task', () => {
    const options = { args: [1], kwargs: { factor: 3 }, dependencies: ['load'] } satisfies TaskOptions;
    const task = new Task('report', fn, options);
    options.args.push(2);
    options.kwargs.factor = 4;
    options.dependencies.push('clean');
    expect(task.args).toEqual([1]);
    expect(task.kwargs).toEqual({ factor: 3 });
    expect(task.dependencies.map((d) => d.taskName)).toEqual(['load']);
  });
});
