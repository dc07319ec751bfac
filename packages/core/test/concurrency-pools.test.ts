import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  PoolTooSmallError,
  Process,
  Task,
  UnknownPoolError,
  WorkerPool,
  workerTask,
} from '../dist/index.js';
import { ConcurrencyGauge, nextMacrotask } from './fixtures/control.js';
import { InlineExecutor } from './fixtures/inline-executor.js';
import { expectThrows } from './helpers/expect-error.js';

/** `count` independent tasks in `pool`, each measured by the gauge while it works for a few macrotasks. */
function writers(count: number, gauge: ConcurrencyGauge, options: { pool?: string; poolSlots?: number } = {}): Task[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Task(
        `write_${i}`,
        () =>
          gauge.around(async () => {
            for (let p = 0; p < 3; p++) await nextMacrotask();
            return i;
          }),
        options,
      ),
  );
}

describe('concurrency pools', () => {
  it('never has more tasks of a pool running than its slots, while other tasks use the rest', async () => {
    const db = new ConcurrencyGauge();
    const free = new ConcurrencyGauge();
    const tasks = [...writers(8, db, { pool: 'db' }), ...writers(6, free).map((t, i) => new Task(`other_${i}`, t.fn))];
    const report = await new Process(tasks, { pools: { db: 2 } }).run({ parallel: true, maxWorkers: 6 });
    expect(report.ok).toBe(true);
    expect(db.max).toBe(2);
    expect(free.max).toBeGreaterThan(2);
    expect(report.entries.get('write_0')?.pool).toEqual({ name: 'db', slots: 1 });
  });

  it('counts poolSlots: a task holding 2 of 3 slots runs beside at most one 1-slot task', async () => {
    const gauge = new ConcurrencyGauge();
    let slotsInUse = 0;
    let maxSlots = 0;
    const task = (name: string, slots: number) =>
      new Task(
        name,
        () =>
          gauge.around(async () => {
            slotsInUse += slots;
            maxSlots = Math.max(maxSlots, slotsInUse);
            for (let p = 0; p < 3; p++) await nextMacrotask();
            slotsInUse -= slots;
          }),
        { pool: 'db', poolSlots: slots },
      );
    const tasks = [task('big_a', 2), task('big_b', 2), task('small_a', 1), task('small_b', 1), task('small_c', 1)];
    const report = await new Process(tasks, { pools: { db: 3 } }).run({ parallel: true, maxWorkers: 5 });
    expect(report.ok).toBe(true);
    expect(maxSlots).toBe(3);
  });

  it('holds for a custom executor: the scheduler, not the executor, enforces the pool', async () => {
    const gauge = new ConcurrencyGauge();
    const executor = new InlineExecutor();
    const report = await new Process(writers(10, gauge, { pool: 'api' }), { pools: { api: 3 } }).run({
      executors: [executor],
      parallel: true,
      maxWorkers: 10,
    });
    expect(report.ok).toBe(true);
    expect(gauge.max).toBe(3);
    expect(executor.requests).toHaveLength(10);
  });

  it('holds on real worker threads', async () => {
    const pool = new WorkerPool({ maxThreads: 4 });
    try {
      const module = new URL('./fixtures/tasks.js', import.meta.url);
      const tasks = Array.from(
        { length: 6 },
        (_, i) => new Task(`t${i}`, workerTask(module, 'describeCall'), { args: [i], pool: 'one' }),
      );
      const events: string[] = [];
      const report = await new Process(tasks, { pools: { one: 1 } }).run({
        pool,
        parallel: true,
        maxWorkers: 4,
        onEvent: (e) => {
          if (e.type === 'task:started' || e.type === 'task:succeeded') events.push(e.type);
        },
      });
      expect(report.ok).toBe(true);
      // One at a time: every start is followed by its end before the next start.
      expect(events).toEqual(Array.from({ length: 6 }, () => ['task:started', 'task:succeeded']).flat());
    } finally {
      await pool.close();
    }
  });

  it('rejects an unknown pool name when the process is built (and when a task is added)', () => {
    const task = new Task('load', () => 1, { pool: 'dbs' });
    expectThrows(() => new Process([task], { pools: { db: 2 } }), UnknownPoolError, {
      code: 'PROC_UNKNOWN_POOL',
      taskName: 'load',
      pool: 'dbs',
      message:
        'Task "load" uses pool "dbs", which the process does not declare. Did you mean "db"? Declared pools: "db" (`new Process(tasks, { pools: { dbs: 2 } })`).',
    });
    const p = new Process([], { pools: { db: 2 } });
    expect(() => p.addTask(task)).toThrow(UnknownPoolError);
    expect(p.tasks).toHaveLength(0);
  });

  it('rejects poolSlots larger than the pool, and poolSlots without a pool', () => {
    expectThrows(
      () => new Process([new Task('load', () => 1, { pool: 'db', poolSlots: 3 })], { pools: { db: 2 } }),
      PoolTooSmallError,
      {
        code: 'PROC_POOL_TOO_SMALL',
        message:
          'Task "load" needs 3 slots of pool "db", which has 2; it could never start. Lower `poolSlots` or enlarge the pool.',
      },
    );
    expect(() => new Task('load', () => 1, { poolSlots: 2 })).toThrow(InvalidOptionError);
    expect(() => new Process([], { pools: { db: 0 } })).toThrow(InvalidOptionError);
  });
});
