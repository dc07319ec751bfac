import { describe, expect, it } from 'vitest';
import { DuplicateDependencyError, InvalidOptionError, Task } from '../dist/index.js';

const fn = () => 1;

// Building a task lends it one options record that the next task reuses
// (options/task-options-check.ts): nothing of one task's options may reach another's.
describe('Task options, built one after another', () => {
  it('give each task only its own options and the defaults', () => {
    const first = new Task('first', fn, { retries: 3, args: [1], timeoutMs: 50, dependencies: ['x'] });
    const second = new Task('second', fn, { transferResult: true });
    expect(first).toMatchObject({ retries: 3, args: [1], timeoutMs: 50, transferResult: false });
    expect(first.dependencies.map((d) => d.taskName)).toEqual(['x']);
    expect(second).toMatchObject({ retries: 0, args: [], timeoutMs: null, transferResult: true, dependencies: [] });
  });

  it('stay apart when an option getter builds another task while the first reads its options', () => {
    let inner: Task | undefined;
    const outer = new Task('outer', fn, {
      timeoutMs: 50,
      get retries() {
        inner = new Task('inner', fn, { retries: 5, args: ['in'] });
        return 1;
      },
      args: ['out'],
    });
    expect(outer).toMatchObject({ retries: 1, timeoutMs: 50, args: ['out'] });
    expect(inner).toMatchObject({ retries: 5, timeoutMs: null, args: ['in'] });
  });

  it('stay apart after a task whose options passed the quick check failed a later one', () => {
    expect(() => new Task('dup', fn, { retries: 4, dependencies: ['a', 'A'] })).toThrow(DuplicateDependencyError);
    expect(() => new Task('bad', fn, { retries: 2, timeoutMs: -1 })).toThrow(InvalidOptionError);
    const next = new Task('next', fn, { args: [2] });
    expect(next).toMatchObject({ retries: 0, timeoutMs: null, args: [2], dependencies: [] });
  });

  it('name the task as given in a message, also when it is found only after the quick check', () => {
    expect(() => new Task('Load', fn, { retries: 1, dependencies: ['load'] })).toThrow(
      'Task "load" lists itself as a dependency.',
    );
    expect(() => new Task('Load', fn, { dependencies: ['a b'] })).toThrow(
      'Task "Load": expected `dependencies[0]` to be a non-empty string without whitespace, got `"a b"` (string)',
    );
  });
});
