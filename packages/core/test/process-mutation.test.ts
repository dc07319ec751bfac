import { describe, expect, it, vi } from 'vitest';
import {
  CircularDependencyError,
  DependencyNotFoundError,
  DuplicateDependencyError,
  DuplicateTaskError,
  InvalidOptionError,
  Process,
  type ProcessesError,
  SelfDependencyError,
  Task,
  TaskDependency,
  TaskNotFoundError,
  TaskStatus,
  TaskStillRequiredError,
} from '../dist/index.js';
import { bad, type ErrorClassOf, type ExpectedError, expectThrows } from './helpers/expect-error.js';

const fn = () => 1;
const task = (name: string, ...dependencies: string[]) => new Task(name, fn, { dependencies });
const names = (tasks: readonly Task[]) => tasks.map((t) => t.name);

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** load <- apply <- notify, load <- check, and flaky on its own. Order: load, flaky, apply, check, notify. */
function pipeline(): Process {
  return new Process([
    task('load'),
    task('apply', 'load'),
    task('notify', 'apply'),
    task('flaky'),
    task('check', 'load'),
  ]);
}

/** The rejected change must leave the same Task objects in the same order, and a process that still runs. */
async function expectUnchangedAfter(
  p: Process,
  change: (p: Process) => void,
  ErrorClass: ErrorClassOf<ProcessesError>,
  expected: ExpectedError,
): Promise<void> {
  const before = [...p.tasks];
  const dependencies = before.map((t) => t.dependencies);
  expectThrows(() => change(p), ErrorClass, expected);
  expect(p.tasks).toHaveLength(before.length);
  p.tasks.forEach((t, i) => {
    expect(t).toBe(before[i]);
    expect(t.dependencies).toBe(dependencies[i]);
  });
  for (const t of before) expect(p.getTask(t.name)).toBe(t);
  const report = await p.run({ parallel: false });
  expect([...report.entries.keys()]).toEqual(names(before));
  expect(report.ok).toBe(true);
}

describe('addTask', () => {
  it('appends the task and re-sorts, as the seed', () => {
    const p = pipeline();
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'apply', 'check', 'notify']);
    const added = task('extra');
    p.addTask(added);
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'extra', 'apply', 'check', 'notify']);
    expect(p.getTask('EXTRA')).toBe(added);
  });

  it('adds a task that depends on existing ones after them', async () => {
    const p = pipeline();
    p.addTask(task('report', 'notify', 'flaky'));
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'apply', 'check', 'notify', 'report']);
    expect(names(p.getDependantTasks('apply'))).toEqual(['notify', 'report']);
    const report = await p.run({ parallel: false });
    expect(report.entries.get('report')?.status).toBe(TaskStatus.SUCCESS);
  });

  it('rejects something that is not a Task, naming the call, and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTask(bad({ name: 'extra' })), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      field: 'task',
      message: 'Process.addTask(): expected `task` to be a Task, got an object (Object)',
    });
  });

  it('rejects a duplicate name, ignoring case, and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTask(new Task('Apply', fn)), DuplicateTaskError, {
      code: 'PROC_DUPLICATE_TASK',
      taskName: 'apply',
      message: 'Duplicate task name: "apply". Task names are unique within a process, ignoring case.',
    });
  });

  it('rejects a missing dependency and changes nothing', async () => {
    await expectUnchangedAfter(
      pipeline(),
      (p) => p.addTask(task('report', 'notify', 'summary')),
      DependencyNotFoundError,
      {
        code: 'PROC_DEPENDENCY_NOT_FOUND',
        taskName: 'report',
        missingDependency: 'summary',
        message: 'Task "report" depends on missing task "summary".',
      },
    );
  });

  it('can add the rejected task once its dependency exists', () => {
    const p = pipeline();
    const report = task('report', 'summary');
    expect(() => p.addTask(report)).toThrow(DependencyNotFoundError);
    p.addTask(task('summary'));
    p.addTask(report);
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'summary', 'apply', 'check', 'report', 'notify']);
  });
});

describe('removeTask', () => {
  it('removes a task nothing depends on, ignoring case', () => {
    const p = pipeline();
    p.removeTask('NOTIFY');
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'apply', 'check']);
    expect(() => p.getTask('notify')).toThrow(TaskNotFoundError);
    expect(names(p.getDependantTasks('load'))).toEqual(['apply', 'check']);
  });

  it('removes leaves one after another down to an empty process', async () => {
    const p = pipeline();
    for (const name of ['notify', 'apply', 'check', 'load', 'flaky']) p.removeTask(name);
    expect(p.tasks).toEqual([]);
    expect((await p.run()).entries.size).toBe(0);
  });

  it('rejects an unknown name with a hint and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.removeTask('notfy'), TaskNotFoundError, {
      code: 'PROC_TASK_NOT_FOUND',
      taskName: 'notfy',
      message: 'Task not found: "notfy". Did you mean "notify"?',
    });
  });

  it('rejects a task still required, listing every dependant sorted, and changes nothing', async () => {
    // Breadth-first the dependants of `load` are zeta, alpha, beta; the message sorts them.
    const p = new Process([task('load'), task('zeta', 'load'), task('alpha', 'load'), task('beta', 'zeta')]);
    expect(names(p.getDependantTasks('load'))).toEqual(['zeta', 'alpha', 'beta']);
    await expectUnchangedAfter(p, (q) => q.removeTask('Load'), TaskStillRequiredError, {
      code: 'PROC_TASK_STILL_REQUIRED',
      taskName: 'load',
      dependants: ['alpha', 'beta', 'zeta'],
      message: 'Cannot remove task "load": still required by alpha, beta, zeta. Remove the dependent task(s) first.',
    });
  });
});

describe('addTaskDependency', () => {
  it('re-sorts the current order, as the seed (not the original input order)', () => {
    // Input order would give load, apply, flaky; the seed re-sorts its current order load, flaky, apply.
    const p = new Process([task('load'), task('apply', 'load'), task('flaky')]);
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'apply']);
    p.addTaskDependency('flaky', 'load');
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'apply']);
    expect(names(p.getDependantTasks('load'))).toEqual(['flaky', 'apply']);
  });

  it('moves a task after its new dependency', () => {
    const p = pipeline();
    p.addTaskDependency('FLAKY', 'Notify');
    expect(names(p.tasks)).toEqual(['load', 'apply', 'check', 'notify', 'flaky']);
    expect(p.getTask('flaky').dependencies.map((d) => d.taskName)).toEqual(['notify']);
  });

  it('leaves the Task object passed in unchanged, so another process sharing it is unaffected', async () => {
    const shared = new Task('apply', (...received: unknown[]) => received);
    const p = new Process([new Task('load', () => 'rows'), shared]);
    const other = new Process([task('load'), shared]);
    p.addTaskDependency('apply', new TaskDependency('load', { useResultAsAdditionalArgs: true }));

    expect(shared.dependencies).toEqual([]);
    expect(other.getTask('apply')).toBe(shared);
    expect(names(other.getDependantTasks('load'))).toEqual([]);
    const updated = p.getTask('apply');
    expect(updated).not.toBe(shared);
    expect(updated).toBeInstanceOf(Task);
    expect(Object.isFrozen(updated)).toBe(true);
    expect(updated.fn).toBe(shared.fn);
    expect(updated.dependencies.map((d) => d.taskName)).toEqual(['load']);

    const report = await p.run({ parallel: false });
    expect(report.entries.get('apply')?.result).toEqual(['rows']);
    const otherReport = await other.run({ parallel: false });
    expect(otherReport.entries.get('apply')?.result).toEqual([]);
  });

  it('injects a result added as a kwarg into the options object', async () => {
    const apply = vi.fn((options?: { users?: string[] }) => options?.users?.length);
    const p = new Process([new Task('load', () => ['ann', 'bob']), new Task('apply', apply)]);
    p.addTaskDependency(
      'apply',
      new TaskDependency('load', { useResultAsAdditionalKwargs: true, additionalKwargName: 'users' }),
    );
    const report = await p.run({ parallel: false });
    expect(apply).toHaveBeenCalledWith({ users: ['ann', 'bob'] });
    expect(report.entries.get('apply')?.result).toBe(2);
  });

  it('rejects an unknown task and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('aply', 'load'), TaskNotFoundError, {
      code: 'PROC_TASK_NOT_FOUND',
      taskName: 'aply',
      message: 'Task not found: "aply". Did you mean "apply"?',
    });
  });

  it('rejects a dependency the task already has, ignoring case, and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('apply', 'LOAD'), DuplicateDependencyError, {
      code: 'PROC_DUPLICATE_DEPENDENCY',
      taskName: 'apply',
      dependencyName: 'load',
      message: 'Task "apply" already depends on "load".',
    });
  });

  it('rejects a task depending on itself and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('Apply', 'apply'), SelfDependencyError, {
      code: 'PROC_SELF_DEPENDENCY',
      taskName: 'apply',
      cycle: ['apply', 'apply'],
      message: 'Task "apply" lists itself as a dependency.',
    });
  });

  it('rejects a missing dependency and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('apply', 'summary'), DependencyNotFoundError, {
      code: 'PROC_DEPENDENCY_NOT_FOUND',
      taskName: 'apply',
      missingDependency: 'summary',
      message: 'Task "apply" depends on missing task "summary".',
    });
  });

  it('rejects a cycle, naming it, and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('load', 'notify'), CircularDependencyError, {
      code: 'PROC_CIRCULAR_DEPENDENCY',
      taskName: 'load',
      cycle: ['load', 'notify', 'apply', 'load'],
      message: 'Circular dependency detected: load -> notify -> apply -> load (each task depends on the next).',
    });
  });

  it('rejects a dependency that is neither a TaskDependency nor a name and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('apply', bad(3)), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: 'apply',
      field: 'dependency',
      message:
        'Process.addTaskDependency("apply"): expected `dependency` to be a TaskDependency or a task name, got `3` (number)',
    });
  });

  it('rejects a dependency name with whitespace, naming the task, and changes nothing', async () => {
    await expectUnchangedAfter(pipeline(), (p) => p.addTaskDependency('apply', 'check all'), InvalidOptionError, {
      code: 'PROC_INVALID_OPTION',
      taskName: 'apply',
      field: 'dependency',
      message:
        'Process.addTaskDependency("apply"): expected `dependency` to be a non-empty string without whitespace, got `"check all"` (string)',
    });
  });
});

describe('mutation and runs', () => {
  it('does not change a run already in progress; the next run sees the change', async () => {
    const started = deferred();
    const gate = deferred();
    const p = new Process([
      new Task('load', async () => {
        started.resolve();
        await gate.promise;
        return 'rows';
      }),
    ]);
    const running = p.run();
    await started.promise;
    p.addTask(task('late', 'load'));
    gate.resolve();
    const first = await running;
    expect([...first.entries.keys()]).toEqual(['load']);
    const second = await p.run();
    expect([...second.entries.keys()]).toEqual(['load', 'late']);
  });
});
