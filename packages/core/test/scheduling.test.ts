import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Process, type RunEvent, type RunOptions, Task, TaskDependency, taskContext } from '../dist/index.js';
import { ConcurrencyGauge, deferred, nextMacrotask } from './fixtures/control.js';

/** `count` independent tasks that each stay busy across two macrotasks, measured by one gauge. */
function independentTasks(count: number, gauge: ConcurrencyGauge): Task[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Task(`t${i}`, () =>
        gauge.around(async () => {
          await nextMacrotask();
          await nextMacrotask();
          return i;
        }),
      ),
  );
}

async function maxConcurrency(count: number, options: RunOptions): Promise<number> {
  const gauge = new ConcurrencyGauge();
  const report = await new Process(independentTasks(count, gauge)).run(options);
  expect(report.ok).toBe(true);
  expect(report.entries.size).toBe(count);
  return gauge.max;
}

describe('choosing sequential or parallel', () => {
  it('runs 9 tasks sequentially when `parallel` is not given', async () => {
    expect(await maxConcurrency(9, { maxWorkers: 4 })).toBe(1);
  });

  it('runs 10 tasks in parallel when `parallel` is not given', async () => {
    expect(await maxConcurrency(10, { maxWorkers: 4 })).toBe(4);
  });

  it('runs 10 tasks sequentially with `parallel: false`', async () => {
    expect(await maxConcurrency(10, { parallel: false, maxWorkers: 4 })).toBe(1);
  });

  it('runs 2 tasks in parallel with `parallel: true`', async () => {
    expect(await maxConcurrency(2, { parallel: true, maxWorkers: 4 })).toBe(2);
  });

  it('counts the tasks when the run starts, after any addTask', async () => {
    const gauge = new ConcurrencyGauge();
    const tasks = independentTasks(10, gauge);
    const p = new Process(tasks.slice(0, 9));
    expect((await p.run({ maxWorkers: 4 })).ok).toBe(true);
    expect(gauge.max).toBe(1);
    p.addTask(tasks[9] as Task);
    gauge.max = 0;
    expect((await p.run({ maxWorkers: 4 })).ok).toBe(true);
    expect(gauge.max).toBe(4);
  });

  it('defaults `maxWorkers` to os.availableParallelism()', async () => {
    const tasks = availableParallelism() + 2;
    expect(await maxConcurrency(tasks, { parallel: true })).toBe(availableParallelism());
  });

  // Once clamped to 1 (the Python library's rule); issue #12 made it the mistake it looks like.
  it.each([0, -5])('rejects `maxWorkers: %i` with a typed error, as the CLI does', async (maxWorkers) => {
    await expect(maxConcurrency(12, { parallel: true, maxWorkers })).rejects.toMatchObject({
      code: 'PROC_INVALID_OPTION',
      field: 'maxWorkers',
    });
  });

  it('runs sequentially with `maxWorkers: 1` and `parallel: true`', async () => {
    expect(await maxConcurrency(12, { parallel: true, maxWorkers: 1 })).toBe(1);
  });

  it.each([2, 3, 5])('runs at most `maxWorkers: %i` tasks at once', async (maxWorkers) => {
    // Every task is independent, so the limit is the only thing holding the others back.
    expect(await maxConcurrency(12, { parallel: true, maxWorkers })).toBe(maxWorkers);
  });
});

describe('sequential runs', () => {
  it('follow the topological order, one task at a time', async () => {
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`start ${name}`);
      await nextMacrotask();
      log.push(`end ${name}`);
    };
    // Listed out of order on purpose: the run must follow the dependencies, then the list order.
    const tasks = [
      new Task('report', step('report'), { dependencies: ['merge'] }),
      new Task('merge', step('merge'), { dependencies: ['left', 'right'] }),
      new Task('right', step('right'), { dependencies: ['load'] }),
      new Task('left', step('left'), { dependencies: ['load'] }),
      new Task('load', step('load')),
      new Task('audit', step('audit')),
    ];
    for (const options of [{ parallel: false }, { parallel: true, maxWorkers: 1 }]) {
      log.length = 0;
      const p = new Process(tasks);
      const order = p.tasks.map((t) => t.name);
      expect(order).toEqual(['load', 'audit', 'right', 'left', 'merge', 'report']);
      const report = await p.run(options);
      expect(report.ok).toBe(true);
      expect(log).toEqual(order.flatMap((name) => [`start ${name}`, `end ${name}`]));
    }
  });
});

describe('parallel runs', () => {
  it('have 16 sibling tasks running at once when maxWorkers is 16 (a barrier)', async () => {
    const siblings = 16;
    const barrier = deferred();
    let arrived = 0;
    const tasks = Array.from(
      { length: siblings },
      (_, i) =>
        new Task(`sibling${i}`, async () => {
          arrived++;
          if (arrived === siblings) barrier.resolve();
          // Passes only once all 16 are inside at the same time; otherwise the run never ends.
          await barrier.promise;
          return i;
        }),
    );
    tasks.push(new Task('after', () => arrived, { dependencies: tasks.map((t) => t.name) }));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const report = await new Process(tasks).run({ parallel: true, maxWorkers: siblings });
      expect(report.ok).toBe(true);
      expect(report.entries.get('after')?.result).toBe(siblings);
      await nextMacrotask(); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    // Sixteen running attempts listen to one run signal; that is by design, not a listener leak.
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  }, 20_000);

  it('start a task as soon as its own dependencies succeed, not when a whole layer is done', async () => {
    const events: string[] = [];
    const slowMayFinish = deferred();
    const link = (name: string, body?: () => void) => async () => {
      events.push(`start ${name}`);
      await nextMacrotask();
      body?.();
      events.push(`end ${name}`);
    };
    const tasks = [
      // `slow` is only let go by `c`, the end of the chain; layer-by-layer scheduling would wait for `slow`
      // before starting `b`, so the fallback timer lets it end and the order below shows the difference.
      new Task('slow', async () => {
        events.push('start slow');
        const fallback = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
        await Promise.race([slowMayFinish.promise, fallback]);
        events.push('end slow');
      }),
      new Task('a', link('a')),
      new Task('b', link('b'), { dependencies: ['a'] }),
      new Task('c', link('c', slowMayFinish.resolve), { dependencies: ['b'] }),
    ];
    const report = await new Process(tasks).run({ parallel: true, maxWorkers: 4 });
    expect(report.ok).toBe(true);
    expect(events.indexOf('end c')).toBeLessThan(events.indexOf('end slow'));
    expect(events.indexOf('start b')).toBeGreaterThan(events.indexOf('start slow'));
    expect(events.filter((e) => e.startsWith('end')).slice(0, 3)).toEqual(['end a', 'end b', 'end c']);
  });

  it('fill a slot freed by one task while the others are still running', async () => {
    const gates = new Map(['x', 'y', 'z'].map((name) => [name, deferred()]));
    const started: string[] = [];
    const gated = (name: string) => async () => {
      started.push(name);
      await gates.get(name)?.promise;
    };
    const p = new Process([new Task('x', gated('x')), new Task('y', gated('y')), new Task('z', gated('z'))]);
    const running = p.run({ parallel: true, maxWorkers: 2 });
    await nextMacrotask();
    expect(started).toEqual(['x', 'y']);
    gates.get('y')?.resolve(); // free y's slot; x is still running
    await nextMacrotask();
    expect(started).toEqual(['x', 'y', 'z']);
    gates.get('z')?.resolve();
    gates.get('x')?.resolve();
    expect((await running).ok).toBe(true);
  });
});

describe('repeated runs', () => {
  it.each([
    { parallel: false, maxWorkers: 1 },
    { parallel: true, maxWorkers: 4 },
  ])('call every function again and report fresh results (%o)', async (options) => {
    let loads = 0;
    const doubled: number[] = [];
    const p = new Process([
      new Task('load', () => ++loads),
      new Task(
        'double',
        (n: number) => {
          doubled.push(n);
          return n * 2;
        },
        { dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })] },
      ),
    ]);
    const first = await p.run(options);
    const second = await p.run(options);
    expect(loads).toBe(2);
    expect(doubled).toEqual([1, 2]);
    expect(first.entries.get('double')?.result).toBe(2);
    expect(second.entries.get('double')?.result).toBe(4);
    expect(first).not.toBe(second);
  });

  it('let two overlapping runs of one process finish with their own results', async () => {
    const releases = new Map<string, () => void>();
    const bothWaiting = deferred();
    const p = new Process([
      new Task('source', async () => {
        const { runId } = taskContext();
        const gate = deferred();
        releases.set(runId, gate.resolve);
        if (releases.size === 2) bothWaiting.resolve();
        await gate.promise;
        return runId;
      }),
      new Task('sink', (fromSource: string) => `${fromSource} -> ${taskContext().runId}`, {
        dependencies: [new TaskDependency('source', { useResultAsAdditionalArgs: true })],
      }),
    ]);
    const runIds: string[] = [];
    const onEvent = (event: RunEvent) => {
      if (event.type === 'run:started') runIds.push(event.runId);
    };
    const first = p.run({ parallel: true, onEvent });
    const second = p.run({ parallel: true, onEvent });
    await bothWaiting.promise;
    const [firstId, secondId] = runIds;
    expect(firstId).toBeDefined();
    expect(secondId).toBeDefined();
    expect(firstId).not.toBe(secondId);
    // Let the second run finish first: the first one is not disturbed by it.
    releases.get(secondId as string)?.();
    const secondReport = await second;
    releases.get(firstId as string)?.();
    const firstReport = await first;
    expect(firstReport.entries.get('sink')?.result).toBe(`${firstId} -> ${firstId}`);
    expect(secondReport.entries.get('sink')?.result).toBe(`${secondId} -> ${secondId}`);
  });
});

describe('run() misuse', () => {
  it('rejects (never throws synchronously) for invalid run options, before any task runs', async () => {
    let calls = 0;
    const p = new Process([new Task('a', () => calls++)]);
    const bad = [{ maxWorkers: 1.5 }, { parallel: 'yes' }, { signal: {} }, { maxWorker: 2 }] as unknown as RunOptions[];
    for (const options of bad) {
      let run: Promise<unknown> | undefined;
      expect(() => {
        run = p.run(options);
      }).not.toThrow();
      await expect(run).rejects.toMatchObject({ code: expect.stringMatching(/^PROC_(INVALID|UNKNOWN)_OPTION$/) });
    }
    expect(calls).toBe(0);
  });
});
