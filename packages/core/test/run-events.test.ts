import { afterEach, describe, expect, it, vi } from 'vitest';
import { Process, type RunEvent, Task, TaskDependency, taskContext } from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A compact line per event, for comparing sequences. */
function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case 'run:started':
      return `run:started ${event.processName} [${event.taskNames.join(',')}]`;
    case 'task:started':
      return `task:started ${event.taskName} #${event.attempt}`;
    case 'task:retrying':
      return `task:retrying ${event.taskName} #${event.attempt} (${event.error.message}) ${event.delayMs}ms`;
    case 'task:succeeded':
      return `task:succeeded ${event.taskName} x${event.attempts}`;
    case 'task:failed':
      return `task:failed ${event.taskName} x${event.attempts} (${event.error.message})`;
    case 'task:skipped':
      return `task:skipped ${event.taskName} because ${event.because}`;
    case 'task:mapped':
      return `task:mapped ${event.taskName} ${event.items} items`;
    case 'run:finished':
      return `run:finished ${event.report.entries.size} entries`;
  }
}

function terminal(event: RunEvent): event is Extract<RunEvent, { taskName: string }> {
  return event.type === 'task:succeeded' || event.type === 'task:failed' || event.type === 'task:skipped';
}

describe('run({ onEvent })', () => {
  it('reports every step of a sequential run in order, with one runId', async () => {
    let bCalls = 0;
    const p = new Process(
      [
        new Task('a', () => 'a'),
        new Task(
          'b',
          () => {
            if (++bCalls === 1) throw new Error('b flaked');
            return 'b';
          },
          { retries: 2, retryOn: () => true, retryDelayMs: 1 },
        ),
        new Task('c', () => {
          throw new Error('c broke');
        }),
        new Task('d', () => 'd', { dependencies: ['c'] }),
        new Task('e', () => 'e', { dependencies: ['d'] }),
      ],
      { name: 'etl' },
    );
    const events: RunEvent[] = [];
    const report = await p.run({ parallel: false, onEvent: (event) => events.push(event) });

    expect(events.map(describeEvent)).toEqual([
      'run:started etl [a,b,c,d,e]',
      'task:started a #1',
      'task:succeeded a x1',
      'task:started b #1',
      'task:retrying b #1 (b flaked) 1ms',
      'task:started b #2',
      'task:succeeded b x2',
      'task:started c #1',
      'task:failed c x1 (c broke)',
      'task:skipped d because c',
      'task:skipped e because c',
      'run:finished 5 entries',
    ]);

    const runIds = new Set(events.map((e) => e.runId));
    expect(runIds.size).toBe(1);
    expect([...runIds][0]).toMatch(/\S/);
    for (const event of events) expect(typeof event.at).toBe('number');

    const last = events.at(-1);
    expect(last?.type === 'run:finished' && last.report).toBe(report);
    const retrying = events.find((e) => e.type === 'task:retrying');
    expect(retrying?.type === 'task:retrying' && retrying.error.classChain).toEqual(['Error']);
    const failed = events.find((e) => e.type === 'task:failed');
    expect(failed?.type === 'task:failed' && failed.error).toEqual(report.entries.get('c')?.error?.thrown);
    const succeeded = events.find((e) => e.type === 'task:succeeded' && e.taskName === 'b');
    expect(succeeded?.type === 'task:succeeded' && succeeded.elapsedMs).toBe(report.entries.get('b')?.elapsedMs);
  });

  it('keeps a consistent order in a parallel run', async () => {
    //   root -> left, right -> join;  broken -> after
    const p = new Process([
      new Task('root', async () => 'root'),
      new Task('left', async () => 'left', { dependencies: ['root'] }),
      new Task('right', () => 'right', { dependencies: ['root'] }),
      new Task('join', () => 'join', { dependencies: ['left', 'right'] }),
      new Task('broken', async () => {
        throw new Error('no');
      }),
      new Task('after', () => 'after', { dependencies: ['broken'] }),
    ]);
    const events: RunEvent[] = [];
    const report = await p.run({ parallel: true, maxWorkers: 4, onEvent: (event) => events.push(event) });

    expect(Object.fromEntries([...report.entries].map(([name, entry]) => [name, entry.status]))).toEqual({
      root: 'success',
      left: 'success',
      right: 'success',
      join: 'success',
      broken: 'errored',
      after: 'skipped',
    });
    const endFor: Record<string, RunEvent['type']> = {
      success: 'task:succeeded',
      errored: 'task:failed',
      skipped: 'task:skipped',
    };
    expect(events[0]?.type).toBe('run:started');
    expect(events.at(-1)?.type).toBe('run:finished');
    expect(events.filter((e) => e.type === 'run:started' || e.type === 'run:finished')).toHaveLength(2);

    const position = (type: RunEvent['type'], taskName: string) =>
      events.findIndex((e) => e.type === type && 'taskName' in e && e.taskName === taskName);
    for (const name of ['root', 'left', 'right', 'join', 'broken', 'after']) {
      const ends = events.filter((e) => terminal(e) && e.taskName === name);
      expect(ends, name).toHaveLength(1);
      const end = ends[0];
      expect(end?.type).toBe(endFor[report.entries.get(name)?.status ?? 'pending']);
      if (end?.type !== 'task:skipped') {
        expect(position('task:started', name)).toBeLessThan(events.indexOf(end as RunEvent));
      }
    }
    for (const [dependency, dependant] of [
      ['root', 'left'],
      ['root', 'right'],
      ['left', 'join'],
      ['right', 'join'],
    ] as const) {
      expect(position('task:succeeded', dependency)).toBeLessThan(position('task:started', dependant));
    }
    expect(position('task:started', 'after')).toBe(-1);
    expect(position('task:failed', 'broken')).toBeLessThan(position('task:skipped', 'after'));
  });

  it('gives overlapping runs of one process their own runId, the one taskContext() sees', async () => {
    const seen: string[] = [];
    const p = new Process([
      new Task('work', async () => {
        seen.push(taskContext().runId);
        await Promise.resolve();
      }),
    ]);
    const first: RunEvent[] = [];
    const second: RunEvent[] = [];
    await Promise.all([p.run({ onEvent: (e) => first.push(e) }), p.run({ onEvent: (e) => second.push(e) })]);
    const firstIds = new Set(first.map((e) => e.runId));
    const secondIds = new Set(second.map((e) => e.runId));
    expect(firstIds.size).toBe(1);
    expect(secondIds.size).toBe(1);
    expect([...firstIds][0]).not.toBe([...secondIds][0]);
    expect(seen.sort()).toEqual([...firstIds, ...secondIds].sort());
  });

  it('reports an empty process as started and finished', async () => {
    const events: RunEvent[] = [];
    await new Process([]).run({ onEvent: (e) => events.push(e) });
    expect(events.map(describeEvent)).toEqual(['run:started  []', 'run:finished 0 entries']);
  });
});

describe('a listener that throws', () => {
  it('emits a PROC_EVENT_LISTENER_FAILED warning per event and leaves the run alone', async () => {
    const warnings = captureWarnings();
    const calls: string[] = [];
    const p = new Process([
      new Task('a', () => {
        calls.push('a');
        return 1;
      }),
      new Task('b', (x: number) => x + 1, {
        dependencies: [new TaskDependency('a', { useResultAsAdditionalArgs: true })],
      }),
    ]);
    const report = await p.run({
      onEvent: (event) => {
        throw new Error(`listener broke on ${event.type}`);
      },
    });
    expect(report.ok).toBe(true);
    expect(calls).toEqual(['a']);
    expect(report.entries.get('b')?.result).toBe(2);
    // run:started, 2 × (task:started, task:succeeded), run:finished
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toEqual({
      message: 'A run event listener threw on "run:started": listener broke on run:started',
      options: { type: 'ProcessesWarning', code: 'PROC_EVENT_LISTENER_FAILED' },
    });
    expect(warnings.at(-1)?.message).toBe(
      'A run event listener threw on "run:finished": listener broke on run:finished',
    );
  });

  it('does not stop later events from reaching it', async () => {
    captureWarnings();
    const seen: string[] = [];
    const p = new Process([
      new Task('a', () => {
        throw new Error('a failed');
      }),
      new Task('b', () => 'b', { dependencies: ['a'] }),
    ]);
    const report = await p.run({
      onEvent: (event) => {
        seen.push(event.type);
        if (event.type === 'task:failed') throw 'not even an Error';
      },
    });
    expect(seen).toEqual(['run:started', 'task:started', 'task:failed', 'task:skipped', 'run:finished']);
    expect(report.entries.get('b')?.status).toBe('skipped');
  });
});
