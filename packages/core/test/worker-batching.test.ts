import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Process, type RunEvent, Task, type TaskOptions, TaskStatus, WorkerPool, workerTask } from '../dist/index.js';

const BATCH_TASKS = new URL('./fixtures/batch-tasks.js', import.meta.url);
const task = (name: string, exportName: string, options?: TaskOptions) =>
  new Task(name, workerTask(BATCH_TASKS, exportName), options);

/** `count` independent tasks calling `echo(i)`, so each result names its own attempt. */
const echoes = (count: number, prefix = 'e') =>
  Array.from({ length: count }, (_, i) => task(`${prefix}${i}`, 'mixed', { args: [i] }));

/**
 * Runs successful attempts of the fixture on `pool` until it batches them, so
 * it knows they are short (on a loaded machine, a thread descheduled mid-call
 * makes a few of them look long for a while).
 */
async function warm(pool: WorkerPool): Promise<void> {
  for (let round = 0; round < 8; round++) await new Process(echoes(2, 'warm')).run({ pool, parallel: true });
  for (let round = 0; round < 50; round++) {
    const before = pool.sent.messages;
    await new Process(echoes(8, 'warm')).run({ pool, parallel: true });
    if (pool.sent.messages - before < 8) return;
  }
}

const pools: WorkerPool[] = [];
const newPool = (maxThreads: number) => {
  const pool = new WorkerPool({ maxThreads, minThreads: maxThreads });
  pools.push(pool);
  return pool;
};
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

describe('batching short worker attempts', () => {
  it('sends short attempts without a timeout several to a message, each with its own result', async () => {
    const pool = newPool(1);
    await warm(pool);
    const before = pool.sent;
    const report = await new Process(echoes(300)).run({ pool, parallel: true, maxWorkers: 300 });
    const sent = { attempts: pool.sent.attempts - before.attempts, messages: pool.sent.messages - before.messages };
    expect(report.ok).toBe(true);
    expect([...report.entries.values()].map((entry) => entry.result)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(sent.attempts).toBe(300);
    expect(sent.messages).toBeLessThanOrEqual(300 / 4);
  });

  it('never batches an attempt before its function is known to be short', async () => {
    const pool = newPool(1);
    await new Process(echoes(1)).run({ pool });
    // One attempt of the function ran alone; it is known from the next one on.
    expect(pool.sent).toEqual({ attempts: 1, messages: 1 });
  });

  it('keeps a timed attempt alone on its thread: its timeout kills nothing else', async () => {
    const pool = newPool(2);
    await warm(pool);
    const before = pool.sent;
    const report = await new Process([
      ...echoes(200),
      task('runaway', 'spin', { timeoutMs: 300, retries: 0 }),
      ...echoes(200, 'late'),
    ]).run({ pool, parallel: true, maxWorkers: 401 });
    const runaway = report.entries.get('runaway');
    expect(runaway?.status).toBe(TaskStatus.ERRORED);
    expect(runaway?.error?.errorName).toBe('TaskTimeoutError');
    expect(runaway?.error?.thrown.props?.['endedBy']).toBe('terminated');
    const others = [...report.entries.values()].filter((entry) => entry.name !== 'runaway');
    expect(others.every((entry) => entry.status === TaskStatus.SUCCESS)).toBe(true);
    expect(others.map((entry) => entry.result)).toEqual([...Array(200).keys(), ...Array(200).keys()]);
    const sent = { attempts: pool.sent.attempts - before.attempts, messages: pool.sent.messages - before.messages };
    expect(sent.attempts).toBe(401);
    expect(sent.messages).toBeLessThanOrEqual(401 / 4);
  });

  it('keeps errors, traced variables and log lines per attempt inside a batch', async () => {
    const pool = newPool(1);
    await warm(pool);
    const dir = mkdtempSync(join(tmpdir(), 'processes-batch-'));
    const tasks = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? task(`t${i}`, 'mixed', { args: [i, 'fail'], retries: 0 })
        : i % 3 === 1
          ? task(`t${i}`, 'mixed', { args: [i, 'log'], logPath: join(dir, `t${i}.log`) })
          : task(`t${i}`, 'mixed', { args: [i] }),
    );
    const before = pool.sent;
    const process = new Process(tasks);
    try {
      const report = await process.run({ pool, parallel: true, maxWorkers: 60 });
      // Batched: the attempts that log run long enough on a loaded machine to
      // make later ones go alone, but the first messages carry several.
      expect(pool.sent.messages - before.messages).toBeLessThan(60);
      for (let i = 0; i < 60; i++) {
        const entry = report.entries.get(`t${i}`);
        if (i % 3 === 0) {
          expect(entry?.status).toBe(TaskStatus.ERRORED);
          expect(entry?.error?.exception).toBe(`failed on ${i} (${`local of ${i}`.length})`);
          expect(entry?.error?.tracedVars).toEqual({ value: String(i), action: "'fail'", mine: `'local of ${i}'` });
          expect(entry?.error?.tracedVarsLocation).toMatch(/batch-tasks\.js:8$/);
        } else {
          expect(entry?.status).toBe(TaskStatus.SUCCESS);
          expect(entry?.result).toBe(i);
        }
        if (i % 3 === 1) {
          // The line is in the file when the entry is settled: lines and results share one port, in order.
          const lines = readFileSync(join(dir, `t${i}.log`), 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .filter((line) => typeof line['value'] === 'number');
          expect(lines).toEqual([expect.objectContaining({ task: `t${i}`, value: i, msg: `line of ${i}` })]);
        }
      }
    } finally {
      await process.close();
    }
  });

  it('fails only the attempt that ended its thread; the rest of the batch still runs', async () => {
    const pool = newPool(1);
    await warm(pool);
    const before = pool.sent.messages;
    const report = await new Process([
      ...echoes(40),
      task('exits', 'mixed', { args: [-1, 'exit'] }),
      ...echoes(40, 'x'),
    ]).run({ pool, parallel: true, maxWorkers: 81 });
    // It ran inside a batch (the attempts after it were sent again, so a few more messages).
    expect(pool.sent.messages - before).toBeLessThan(81 / 4);
    const exits = report.entries.get('exits');
    expect(exits?.error?.errorName).toBe('WorkerExitError');
    expect(exits?.error?.exception).toContain('3');
    const others = [...report.entries.values()].filter((entry) => entry.name !== 'exits');
    expect(others.map((entry) => entry.status)).toEqual(Array(80).fill(TaskStatus.SUCCESS));
    expect(others.map((entry) => entry.result)).toEqual([...Array(40).keys(), ...Array(40).keys()]);
  });

  it('fails only the attempt whose result cannot be cloned', async () => {
    const pool = newPool(1);
    await warm(pool);
    const before = pool.sent.messages;
    const report = await new Process([
      ...echoes(30),
      task('fn', 'mixed', { args: [-1, 'uncloneable'] }),
      ...echoes(30, 'y'),
    ]).run({
      pool,
      parallel: true,
      maxWorkers: 61,
    });
    expect(pool.sent.messages - before).toBeLessThan(61 / 4);
    expect(report.entries.get('fn')?.error?.errorName).toBe('WorkerCrashError');
    expect(report.entries.get('fn')?.error?.exception).toContain('could not be sent back');
    const others = [...report.entries.values()].filter((entry) => entry.name !== 'fn');
    expect(others.every((entry) => entry.status === TaskStatus.SUCCESS)).toBe(true);
  });

  it('follows attempts that return objects, promises and async failures inside a batch, each to its own outcome', async () => {
    const pool = newPool(1);
    for (let round = 0; round < 8; round++) {
      await new Process([task(`w${round}`, 'later', { args: [round] })]).run({ pool });
    }
    const actions = ['echo', 'object', 'fail', 'sync'] as const;
    const tasks = Array.from({ length: 60 }, (_, i) => {
      const action = actions[i % 4] as (typeof actions)[number];
      return action === 'sync'
        ? task(`t${i}`, 'mixed', { args: [i] })
        : task(`t${i}`, 'later', { args: [i, action], retries: 0 });
    });
    const before = pool.sent;
    const report = await new Process(tasks).run({ pool, parallel: true, maxWorkers: 60 });
    // Some attempts shared a message (the sync fixture is known short only after its first attempt).
    expect(pool.sent.messages - before.messages).toBeLessThan(60);
    for (let i = 0; i < 60; i++) {
      const entry = report.entries.get(`t${i}`);
      const action = actions[i % 4];
      if (action === 'fail') {
        expect(entry?.status).toBe(TaskStatus.ERRORED);
        expect(entry?.error?.exception).toBe(`async failure on ${i} (${`async local of ${i}`.length})`);
        expect(entry?.error?.tracedVars).toMatchObject({ mine: `'async local of ${i}'` });
      } else {
        expect(entry?.status).toBe(TaskStatus.SUCCESS);
        expect(entry?.result).toEqual(action === 'object' ? { value: i } : i);
      }
    }
  });

  it('shares threads fairly: a small run is not starved by a big run of short tasks queued first', async () => {
    const pool = newPool(1);
    await warm(pool);
    let bigFinished = 0;
    let bigStarted = 0;
    let queued!: () => void;
    const allQueued = new Promise<void>((resolve) => {
      queued = resolve;
    });
    const big = new Process(echoes(3000, 'big'));
    const bigRun = big.run({
      pool,
      parallel: true,
      maxWorkers: 3000,
      onEvent: (event: RunEvent) => {
        // The small run comes once all of the big run is handed over and the first of it is done: the rest wait.
        if (event.type === 'task:started') bigStarted++;
        if (event.type === 'task:succeeded') bigFinished++;
        if (bigStarted === 3000 && bigFinished > 0) queued();
      },
    });
    await allQueued;
    // Counted from the small run's start: how far the big run got before it (a loaded machine) is not fairness.
    let bigAtSmallStart = -1;
    const small = await new Process(echoes(3, 'small')).run({
      pool,
      parallel: true,
      onEvent: (event: RunEvent) => {
        if (event.type === 'run:started') bigAtSmallStart = bigFinished;
      },
    });
    const bigWhileSmallRan = bigFinished - bigAtSmallStart;
    expect(small.ok).toBe(true);
    expect(bigAtSmallStart).toBeGreaterThanOrEqual(0);
    expect(bigAtSmallStart).toBeLessThan(3000);
    // Turns go round-robin by batch: the small run waits for a few of the big run's batches, not all that are left.
    expect(bigWhileSmallRan).toBeLessThan(500);
    expect((await bigRun).ok).toBe(true);
  });
});
