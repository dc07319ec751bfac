// Chain fusion: a short worker attempt goes to its thread with the dependants
// that become ready exactly when it succeeds (worker-pool.ts executeChain,
// run/chain-fusion.ts). Everything here compares a fused run with the same
// graph made unfusable (each task given a large timeoutMs, which needs a
// thread of its own), on real worker threads.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Process,
  type ProcessExecutionReport,
  RunAbortedError,
  type RunEvent,
  Task,
  TaskDependency,
  type TaskOptions,
  TaskStatus,
  WorkerPool,
  workerTask,
} from '../dist/index.js';

const CHAIN_TASKS = new URL('./fixtures/chain-tasks.js', import.meta.url);
/** Large enough never to fire: a task with it cannot be fused (its attempt needs a thread of its own). */
const UNFUSABLE = { timeoutMs: 600_000 } as const;

const task = (name: string, exportName: string, options?: TaskOptions) =>
  new Task(name, workerTask(CHAIN_TASKS, exportName), options);
const after = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

/** `length` tasks c0 → c1 → …, each `exportName(...args)` with the previous result last. */
function chain(length: number, options: (i: number) => TaskOptions & { exportName?: string } = () => ({})): Task[] {
  return Array.from({ length }, (_, i) => {
    const { exportName = 'add', ...rest } = options(i);
    return task(`c${i}`, exportName, {
      args: [1],
      ...rest,
      ...(i === 0 ? {} : { dependencies: [after(`c${i - 1}`)] }),
    });
  });
}

const pools: WorkerPool[] = [];
/** A pool that has run a few attempts of every fixture export, so it knows they are short. */
async function warmPool(maxThreads = 2): Promise<WorkerPool> {
  const pool = new WorkerPool({ maxThreads, minThreads: maxThreads });
  pools.push(pool);
  const warmers = ['add', 'flaky', 'logs', 'append', 'combine'].flatMap((exportName) =>
    Array.from({ length: 4 }, (_, i) =>
      task(`${exportName}${i}`, exportName, {
        args: exportName === 'flaky' || exportName === 'combine' ? [1, 0] : [1],
      }),
    ),
  );
  for (let round = 0; round < 6; round++) await new Process(warmers).run({ pool, parallel: true });
  return pool;
}
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

/** Runs `tasks` on `pool`, with what the pool sent for it and the events in order. */
async function runOn(pool: WorkerPool, tasks: Task[], options: { signal?: AbortSignal; cache?: { dir: string } } = {}) {
  const events: RunEvent[] = [];
  const before = pool.sent;
  const process = new Process(tasks);
  try {
    const report = await process.run({ pool, parallel: true, onEvent: (event) => events.push(event), ...options });
    const sent = { attempts: pool.sent.attempts - before.attempts, messages: pool.sent.messages - before.messages };
    return { report, events, sent };
  } finally {
    await process.close();
  }
}

/** What a report says that fusion must not change: per task, status, result, attempts and error name. */
function outcomes(report: ProcessExecutionReport) {
  return [...report.entries.values()].map((entry) => ({
    name: entry.name,
    status: entry.status,
    result: entry.result,
    attempts: entry.attempts,
    history: entry.attemptHistory?.map((attempt) => attempt.ok),
    error: entry.error?.errorName,
    skippedBecause: entry.skippedBecause,
  }));
}

/** The task events in order, without their times and thread ids. */
function eventOrder(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => ('taskName' in event ? [`${event.type} ${event.taskName}`] : []));
}

describe('chain fusion', () => {
  it('runs a long chain in far fewer messages than tasks, with the report and events of an unfused run', async () => {
    const pool = await warmPool();
    const length = 300;
    const fused = await runOn(pool, chain(length));
    const unfused = await runOn(
      pool,
      chain(length, () => UNFUSABLE),
    );
    expect(fused.report.ok).toBe(true);
    expect(fused.report.entries.get(`c${length - 1}`)?.result).toBe(length);
    expect(outcomes(fused.report)).toEqual(outcomes(unfused.report));
    expect(eventOrder(fused.events)).toEqual(eventOrder(unfused.events));
    // Every attempt is counted, and the unfused run sent one message per task.
    expect(fused.sent.attempts).toBe(length);
    expect(unfused.sent).toEqual({ attempts: length, messages: length });
    expect(fused.sent.messages).toBeLessThanOrEqual(length / 8);
    // The times are the thread's own: each link was queued before it started, and started after the one before ended.
    const entries = [...fused.report.entries.values()];
    entries.forEach((entry, i) => {
      expect(entry.queuedAt?.getTime()).toBeLessThanOrEqual(entry.startedAt?.getTime() as number);
      expect(entry.startedAt?.getTime()).toBeLessThanOrEqual(entry.finishedAt?.getTime() as number);
      const previous = entries[i - 1];
      if (previous) expect(previous.finishedAt?.getTime()).toBeLessThanOrEqual(entry.startedAt?.getTime() as number);
    });
  });

  it('gives a link a copy of the previous result: a link that changes its input leaves the result before it as it was', async () => {
    const pool = await warmPool();
    const tasks = chain(20, (i) => ({ exportName: 'append', args: [i] }));
    const { report, sent } = await runOn(pool, tasks);
    expect(sent.messages).toBeLessThan(20);
    [...report.entries.values()].forEach((entry, i) => {
      expect(entry.result).toEqual(Array.from({ length: i + 1 }, (_, j) => j));
    });
  });

  it('writes a fused link’s log lines to its log file between its start and finish lines', async () => {
    const pool = await warmPool();
    const dir = mkdtempSync(join(tmpdir(), 'processes-chain-'));
    const logPath = join(dir, 'c2.log');
    const { report, sent } = await runOn(
      pool,
      chain(5, (i) => (i === 2 ? { exportName: 'logs', logPath } : {})),
    );
    expect(report.ok).toBe(true);
    expect(sent.messages).toBeLessThan(5);
    const lines = readFileSync(logPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['msg'])).toEqual(['Starting c2.', 'adding', 'Finished c2.']);
    expect(lines[1]).toMatchObject({ task: 'c2', previous: 2 });
  });

  it('retries a link that failed inside a fused chain on the usual path, and the rest of the chain runs', async () => {
    const pool = await warmPool();
    const flakyAt = (i: number): TaskOptions & { exportName?: string } =>
      i === 20 ? { exportName: 'flaky', args: [1, 1], retries: 1, retryOn: [Error] } : {};
    const fused = await runOn(pool, chain(40, flakyAt));
    const unfused = await runOn(
      pool,
      chain(40, (i) => ({ ...flakyAt(i), ...UNFUSABLE })),
    );
    expect(fused.report.ok).toBe(true);
    expect(fused.report.entries.get('c39')?.result).toBe(40);
    const flaky = fused.report.entries.get('c20');
    expect(flaky?.attempts).toBe(2);
    expect(flaky?.attemptHistory?.map((attempt) => attempt.ok)).toEqual([false, true]);
    expect(outcomes(fused.report)).toEqual(outcomes(unfused.report));
    expect(eventOrder(fused.events)).toEqual(eventOrder(unfused.events));
    expect(eventOrder(fused.events)).toContain('task:retrying c20');
    // The links behind c20 were sent with it and did not run there: they ran after its retry.
    expect(fused.sent.messages).toBeLessThan(41 / 2);
  });

  it('skips the rest of the chain when a link in the middle fails for good, as an unfused run does', async () => {
    const pool = await warmPool();
    const failingAt = (i: number): TaskOptions & { exportName?: string } =>
      i === 10 ? { exportName: 'flaky', args: [1, 5], retries: 2, retryOn: [Error] } : {};
    const fused = await runOn(pool, chain(30, failingAt));
    const unfused = await runOn(
      pool,
      chain(30, (i) => ({ ...failingAt(i), ...UNFUSABLE })),
    );
    const failed = fused.report.entries.get('c10');
    expect(failed?.status).toBe(TaskStatus.ERRORED);
    expect(failed?.attempts).toBe(3);
    for (let i = 11; i < 30; i++) {
      expect(fused.report.entries.get(`c${i}`)?.status).toBe(TaskStatus.SKIPPED);
      expect(fused.report.entries.get(`c${i}`)?.skippedBecause).toBe('c10');
    }
    expect(outcomes(fused.report)).toEqual(outcomes(unfused.report));
    expect(eventOrder(fused.events)).toEqual(eventOrder(unfused.events));
  });

  it('does not fuse a link with a timeoutMs, a trigger rule or a cache behind the task before it', async () => {
    const pool = await warmPool();
    // Whether links that may fuse do depends on the pool's measure of their time, which a loaded
    // machine can push over the limit for a run: such runs are tried again (fresh tasks, a fresh cache).
    const fusedAsFarAsAllowed = async (
      make: () => Task[],
      messages: number,
      options: () => { cache?: { dir: string } } = () => ({}),
    ) => {
      let last = await runOn(pool, make(), options());
      for (let retry = 0; retry < 5 && last.sent.messages !== messages; retry++) {
        last = await runOn(pool, make(), options());
      }
      return last;
    };
    const plain = await fusedAsFarAsAllowed(() => chain(3), 1);
    expect(plain.sent).toEqual({ attempts: 3, messages: 1 });
    // b has a timeout: a and b go alone, and c cannot ride behind b (a timed attempt has its thread to itself).
    const timed = await runOn(
      pool,
      chain(3, (i) => (i === 1 ? { timeoutMs: 60_000 } : {})),
    );
    expect(timed.sent).toEqual({ attempts: 3, messages: 3 });
    // b's rule is decided on the main thread once a has ended; c may ride behind b.
    const ruled = await fusedAsFarAsAllowed(() => chain(3, (i) => (i === 1 ? { runIf: 'allDone' } : {})), 2);
    expect(ruled.sent).toEqual({ attempts: 3, messages: 2 });
    // b is looked up in the cache when it is ready; c may ride behind it when b runs.
    let dir = '';
    const cached = await fusedAsFarAsAllowed(
      () => chain(3, (i) => (i === 1 ? { cache: true } : {})),
      2,
      () => {
        dir = mkdtempSync(join(tmpdir(), 'processes-chain-cache-'));
        return { cache: { dir } };
      },
    );
    expect(cached.sent).toEqual({ attempts: 3, messages: 2 });
    const reused = await runOn(
      pool,
      chain(3, (i) => (i === 1 ? { cache: true } : {})),
      { cache: { dir } },
    );
    expect(reused.report.entries.get('c1')?.reused?.source).toBe('cache');
    expect(reused.sent).toEqual({ attempts: 2, messages: 2 });
    for (const { report } of [plain, timed, ruled, cached, reused]) {
      expect([...report.entries.values()].map((entry) => entry.result)).toEqual([1, 2, 3]);
    }
  });

  it('stops a fused chain when its run is aborted: the run settles with the statuses an unfused run has', async () => {
    const pool = await warmPool();
    const abortedAt = async (tasks: Task[]) => {
      const controller = new AbortController();
      const run = new Process(tasks).run({
        pool,
        parallel: true,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'task:succeeded' && event.taskName === 'c40') controller.abort(new Error('stop'));
        },
      });
      const error = await run.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RunAbortedError);
      return [...(error as RunAbortedError).report.entries.values()].map((entry) => entry.status);
    };
    const fused = await abortedAt(chain(200));
    const unfused = await abortedAt(chain(200, () => UNFUSABLE));
    expect(fused).toEqual(unfused);
    expect(fused.slice(0, 40)).toEqual(Array(40).fill(TaskStatus.SUCCESS));
    expect(fused.slice(41)).toEqual(Array(159).fill(TaskStatus.CANCELLED));
    // The pool is whole afterwards: the next run on it succeeds.
    expect((await runOn(pool, chain(50))).report.ok).toBe(true);
  });

  it('fuses nothing in a sequential run, which keeps topological order', async () => {
    const pool = await warmPool();
    // a and c are ready at once, b after a: in topological order c runs before b.
    const tasks = [
      task('a', 'add', { args: [1] }),
      task('c', 'add', { args: [5] }),
      task('b', 'add', { args: [1], dependencies: [after('a')] }),
    ];
    const events: RunEvent[] = [];
    const before = pool.sent;
    const report = await new Process(tasks).run({ pool, parallel: false, onEvent: (event) => events.push(event) });
    expect(report.ok).toBe(true);
    expect(pool.sent.messages - before.messages).toBe(3);
    expect(eventOrder(events).filter((line) => line.startsWith('task:started'))).toEqual([
      'task:started a',
      'task:started c',
      'task:started b',
    ]);
  });

  it('property: random graphs end with the same statuses, results and attempts fused as unfused', async () => {
    const pool = await warmPool();
    const graphArb = fc.integer({ min: 1, max: 24 }).chain((n) =>
      fc.record({
        dependencies: fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: i - 1 }), { maxLength: Math.min(i, 3) }),
          ),
        ),
        // Mostly chains: a task depends on the one just before it more often than on any other.
        chainy: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        failures: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, fc.integer({ min: 1, max: 2 })), {
          minLength: n,
          maxLength: n,
        }),
        retries: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(graphArb, async ({ dependencies, chainy, failures, retries }) => {
        const tasksWith = (extra: TaskOptions) =>
          dependencies.map((deps, i) => {
            const all = chainy[i] && i > 0 && !deps.includes(i - 1) ? [i - 1, ...deps] : deps;
            return task(`t${i}`, 'combine', {
              args: [i, failures[i] ?? 0],
              retries: retries[i] ?? 0,
              retryOn: [Error],
              dependencies: all.map((d) => after(`t${d}`)),
              ...extra,
            });
          });
        const fused = await runOn(pool, tasksWith({}));
        const unfused = await runOn(pool, tasksWith(UNFUSABLE));
        // Which failure a skip names depends on which of its dependencies ended first: a race in any parallel run.
        const withoutCause = (report: ProcessExecutionReport) =>
          outcomes(report).map(({ skippedBecause: _, ...rest }) => rest);
        expect(withoutCause(fused.report)).toEqual(withoutCause(unfused.report));
      }),
      { numRuns: 25 },
    );
  });
});
