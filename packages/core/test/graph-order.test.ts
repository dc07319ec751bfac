import { describe, expect, it } from 'vitest';
import { Process, Task, TaskNotFoundError } from '../dist/index.js';
import { expectThrows } from './helpers/expect-error.js';

const fn = () => 1;
const task = (name: string, ...dependencies: string[]) => new Task(name, fn, { dependencies });
const names = (tasks: readonly Task[]) => tasks.map((t) => t.name);

describe('topological order (Kahn, FIFO, input order, as the seed)', () => {
  it('orders the seed example as the seed does', () => {
    const p = new Process([task('load'), task('apply', 'load'), task('notify', 'apply'), task('flaky'), task('obj')]);
    expect(names(p.tasks)).toEqual(['load', 'flaky', 'obj', 'apply', 'notify']);
  });

  it('queues a task when its last dependency is dequeued, not by its input position', () => {
    // `y` depends on `a`, which is dequeued before `b`, so `y` comes before `x` although listed after it.
    const p = new Process([task('a'), task('b'), task('x', 'b'), task('y', 'a')]);
    expect(names(p.tasks)).toEqual(['a', 'b', 'y', 'x']);
  });

  it("visits a task's dependants in input order", () => {
    const p = new Process([task('c', 'a'), task('b', 'a'), task('a')]);
    expect(names(p.tasks)).toEqual(['a', 'c', 'b']);
  });

  it('places a task with several dependencies after the last of them', () => {
    const p = new Process([task('d', 'a', 'b'), task('a'), task('b'), task('e', 'a')]);
    expect(names(p.tasks)).toEqual(['a', 'b', 'e', 'd']);
  });

  it('keeps tasks without dependencies in input order', () => {
    const p = new Process([task('z'), task('m'), task('a')]);
    expect(names(p.tasks)).toEqual(['z', 'm', 'a']);
  });

  it('does not mutate the caller’s array and keeps the same Task objects', () => {
    const input = [task('notify', 'apply'), task('apply', 'load'), task('load')];
    const before = [...input];
    const p = new Process(input);
    expect(input).toEqual(before);
    input.forEach((t, i) => {
      expect(t).toBe(before[i]);
    });
    expect(p.tasks).not.toBe(input);
    expect(names(p.tasks)).toEqual(['load', 'apply', 'notify']);
    expect(p.tasks[0]).toBe(input[2]);
  });

  it('does not follow later changes to the caller’s array', () => {
    const input = [task('load')];
    const p = new Process(input);
    input.push(task('late'));
    expect(names(p.tasks)).toEqual(['load']);
  });

  it('hands out a frozen order, so sorting it cannot desynchronise the graph', async () => {
    const calls: string[] = [];
    const record = (name: string) => () => calls.push(name);
    const p = new Process([
      new Task('b', record('b'), { dependencies: ['a'] }),
      new Task('a', record('a')),
      new Task('c', record('c')),
    ]);
    expect(Object.isFrozen(p.tasks)).toBe(true);
    expect(() => (p.tasks as Task[]).sort((x, y) => y.name.localeCompare(x.name))).toThrow(TypeError);
    expect(() => (p.tasks as Task[]).push(task('d'))).toThrow(TypeError);
    expect(names(p.tasks)).toEqual(['a', 'c', 'b']);
    expect(p.getTask('a').name).toBe('a');
    await p.run({ parallel: false });
    expect(calls).toEqual(['a', 'c', 'b']);
  });

  it('is the order a sequential run follows and the order of the report', async () => {
    const calls: string[] = [];
    const record = (name: string, ...dependencies: string[]) =>
      new Task(name, () => calls.push(name), { dependencies });
    const p = new Process([record('notify', 'apply'), record('apply', 'load'), record('load'), record('flaky')]);
    const report = await p.run({ parallel: false });
    expect(calls).toEqual(names(p.tasks));
    expect([...report.entries.keys()]).toEqual(names(p.tasks));
  });
});

describe('getTask', () => {
  const p = new Process([new Task('Load_Users', fn), task('apply', 'load_users')]);

  it('finds a task ignoring case', () => {
    const loadUsers = p.tasks[0];
    expect(p.getTask('load_users')).toBe(loadUsers);
    expect(p.getTask('LOAD_USERS')).toBe(loadUsers);
    expect(p.getTask('Load_Users')).toBe(loadUsers);
  });

  it('throws TaskNotFoundError with a "did you mean" hint for a near name', () => {
    expectThrows(() => p.getTask('Load_User'), TaskNotFoundError, {
      code: 'PROC_TASK_NOT_FOUND',
      taskName: 'load_user',
      message: 'Task not found: "load_user". Did you mean "load_users"?',
    });
  });

  it('throws TaskNotFoundError without a hint when nothing is close', () => {
    expectThrows(() => p.getTask('report'), TaskNotFoundError, {
      code: 'PROC_TASK_NOT_FOUND',
      taskName: 'report',
      message: 'Task not found: "report".',
    });
  });
});

describe('getDependantTasks', () => {
  // load -> apply, check; apply -> notify; check -> notify, audit; notify -> archive; other is unrelated.
  const p = new Process([
    task('archive', 'notify'),
    task('notify', 'apply', 'check'),
    task('audit', 'check'),
    task('check', 'load'),
    task('apply', 'load'),
    task('load'),
    task('other'),
  ]);

  it('returns every transitive dependant, direct ones first, breadth-first, each once', () => {
    expect(names(p.tasks)).toEqual(['load', 'other', 'check', 'apply', 'audit', 'notify', 'archive']);
    expect(names(p.getDependantTasks('load'))).toEqual(['check', 'apply', 'audit', 'notify', 'archive']);
  });

  it('returns the Task objects of the process', () => {
    const [first] = p.getDependantTasks('notify');
    expect(first).toBe(p.getTask('archive'));
  });

  it('follows only downstream edges', () => {
    expect(names(p.getDependantTasks('check'))).toEqual(['audit', 'notify', 'archive']);
    expect(names(p.getDependantTasks('apply'))).toEqual(['notify', 'archive']);
  });

  it('returns [] for a task nothing depends on', () => {
    expect(p.getDependantTasks('archive')).toEqual([]);
    expect(p.getDependantTasks('other')).toEqual([]);
  });

  it('ignores case', () => {
    expect(names(p.getDependantTasks('APPLY'))).toEqual(['notify', 'archive']);
  });

  it('returns [] for an unknown name, as the seed', () => {
    expect(p.getDependantTasks('nope')).toEqual([]);
  });

  it('returns a new array each time', () => {
    const first = p.getDependantTasks('load');
    first.pop();
    expect(p.getDependantTasks('load')).toHaveLength(5);
  });
});
