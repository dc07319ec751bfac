import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  NoTaskContextError,
  Process,
  type RunEvent,
  Task,
  type TaskContext,
  TaskDependency,
  taskContext,
} from '../dist/index.js';
import { codedError, nextMacrotask } from './fixtures/control.js';

describe('taskContext()', () => {
  it('gives the running task its name, attempt, signal, log and run id', async () => {
    let seen: TaskContext | undefined;
    const report = await new Process([
      new Task('Inspect', () => {
        seen = taskContext();
      }),
    ]).run();
    expect(report.ok).toBe(true);
    expect(seen?.taskName).toBe('inspect');
    expect(seen?.attempt).toBe(1);
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
    expect(seen?.signal.aborted).toBe(false);
    expect(typeof seen?.log.info).toBe('function');
    expect(seen?.runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts the attempt up across retries', async () => {
    const attempts: number[] = [];
    await new Process([
      new Task(
        'flaky',
        () => {
          attempts.push(taskContext().attempt);
          if (attempts.length < 3) throw codedError('ECONNRESET');
        },
        { retries: 2 },
      ),
    ]).run();
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('has one runId for every task of a run, a new one for the next run, matching the events', async () => {
    const ids: string[] = [];
    const eventIds = new Set<string>();
    const record = () => ids.push(taskContext().runId);
    const p = new Process([
      new Task('a', record),
      new Task('b', record, { dependencies: ['a'] }),
      new Task('c', record),
    ]);
    const onEvent = (event: RunEvent) => eventIds.add(event.runId);
    await p.run({ parallel: true, onEvent });
    const first = new Set(ids);
    expect(first.size).toBe(1);
    expect(eventIds).toEqual(first);

    ids.length = 0;
    eventIds.clear();
    await p.run({ parallel: true, onEvent });
    const second = new Set(ids);
    expect(second.size).toBe(1);
    expect(eventIds).toEqual(second);
    expect([...second][0]).not.toBe([...first][0]);
  });

  it('keeps each concurrent task in its own context across awaits, timers and nested calls', async () => {
    const mismatches: string[] = [];
    const check = (expected: string, where: string) => {
      const actual = taskContext().taskName;
      if (actual !== expected) mismatches.push(`${expected} saw ${actual} ${where}`);
    };
    const helper = async (expected: string) => {
      await Promise.resolve();
      check(expected, 'in a nested async call');
    };
    const names = ['t0', 't1', 't2', 't3', 't4', 't5'];
    const tasks = names.map(
      (name) =>
        new Task(name, async () => {
          const own = taskContext();
          for (let round = 0; round < 3; round++) {
            await nextMacrotask();
            check(name, `after macrotask ${round}`);
            await helper(name);
          }
          await new Promise<void>((resolve) =>
            setTimeout(() => {
              check(name, 'in a timer callback');
              resolve();
            }, 1),
          );
          // Same object for the whole attempt: its signal is the attempt's signal.
          if (taskContext() !== own) mismatches.push(`${name} got a different context object`);
          return name;
        }),
    );
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: names.length });
    expect(report.ok).toBe(true);
    expect(mismatches).toEqual([]);
  });

  it('gives a task its own context, not that of the dependency whose completion started it', async () => {
    const seen: string[] = [];
    await new Process([
      new Task('first', async () => {
        await nextMacrotask();
        return 1;
      }),
      new Task('second', (n: number) => seen.push(`${taskContext().taskName}:${n}`), {
        dependencies: [new TaskDependency('first', { useResultAsAdditionalArgs: true })],
      }),
    ]).run({ parallel: true });
    expect(seen).toEqual(['second:1']);
  });

  it('throws NoTaskContextError outside a task', async () => {
    const thrown = (() => {
      try {
        taskContext();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(NoTaskContextError);
    expect(thrown).toMatchObject({ code: 'PROC_NO_TASK_CONTEXT', name: 'NoTaskContextError' });
    expect((thrown as Error).message).toContain('outside a running task');
    // Nor does a run leave a context behind, in the caller or in its event listeners.
    const listenerResults: string[] = [];
    await new Process([new Task('a', () => 1)]).run({
      onEvent: (event) => {
        if (event.type !== 'task:started') return;
        try {
          listenerResults.push(taskContext().taskName);
        } catch (error) {
          listenerResults.push((error as Error).name);
        }
      },
    });
    expect(listenerResults).toEqual(['NoTaskContextError']);
    expect(() => taskContext()).toThrow(NoTaskContextError);
  });

  it("writes `log` lines to the process logger, bound to the task's name", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    await new Process(
      [
        new Task('talker', () => {
          taskContext().log.info({ rows: 3 }, 'loaded rows');
        }),
      ],
      { logger },
    ).run();
    expect(lines).toContainEqual(expect.objectContaining({ task: 'talker', rows: 3, msg: 'loaded rows' }));
  });
});
