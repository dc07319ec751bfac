import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Process, type RunEvent, type RunOptions, Task, TaskDependency } from '../dist/index.js';
import { codedError, nextMacrotask } from './fixtures/control.js';

/**
 * A random run: task `i` depends on some of the tasks before it (so the
 * graph is acyclic), is listed in a shuffled order, fails its first
 * `failures[i]` attempts with a retryable error, and may retry
 * `retries[i]` times.
 */
interface Scenario {
  readonly dependencies: readonly (readonly number[])[];
  readonly listOrder: readonly number[];
  readonly failures: readonly number[];
  readonly retries: readonly number[];
  /** How long each attempt stays busy: 0 = a microtask, 1 or 2 = that many macrotasks. */
  readonly pauses: readonly number[];
  readonly parallel: boolean | undefined;
  readonly maxWorkers: number | undefined;
}

const MAX_TASKS = 40;

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: MAX_TASKS }).chain((n) => {
  const perTask = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: n, maxLength: n });
  return fc.record({
    dependencies: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: i - 1 }), { maxLength: Math.min(i, 4) }),
      ),
    ),
    listOrder: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
    // Mostly healthy tasks; a failing one fails 1 to 3 times (3 is more than any task may retry).
    failures: perTask(
      fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 2 }),
    ),
    retries: perTask(fc.integer({ min: 0, max: 2 })),
    pauses: perTask(fc.integer({ min: 0, max: 2 })),
    parallel: fc.option(fc.boolean(), { nil: undefined }),
    // maxWorkers below 1 is rejected (process-validation.test.ts), so the model starts at 1.
    maxWorkers: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  });
});

type FinalStatus = 'success' | 'errored' | 'skipped';

/** What must happen, derived from the scenario alone (tasks are numbered in a topological order). */
function expectedStatuses(s: Scenario): FinalStatus[] {
  const statuses: FinalStatus[] = [];
  s.dependencies.forEach((deps, i) => {
    if (deps.some((d) => statuses[d] !== 'success')) statuses.push('skipped');
    else statuses.push((s.failures[i] ?? 0) > (s.retries[i] ?? 0) ? 'errored' : 'success');
  });
  return statuses;
}

function transitiveDependants(s: Scenario, from: number): Set<number> {
  const found = new Set<number>();
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] as number;
    s.dependencies.forEach((deps, i) => {
      if (deps.includes(current) && !found.has(i)) {
        found.add(i);
        queue.push(i);
      }
    });
  }
  return found;
}

function effectiveConcurrency(s: Scenario): number {
  const parallel = s.parallel ?? s.dependencies.length >= 10;
  return parallel ? Math.max(1, s.maxWorkers ?? availableParallelism()) : 1;
}

async function runScenario(s: Scenario): Promise<void> {
  const n = s.dependencies.length;
  const name = (i: number) => `t${i}`;
  const index = (taskName: string) => Number(taskName.slice(1));
  let clock = 0;
  let running = 0;
  let maxRunning = 0;
  const calls = new Array<number>(n).fill(0);
  const firstStart: number[] = [];
  const succeededAt: (number | undefined)[] = new Array(n);
  const violations: string[] = [];

  const tasks = s.listOrder.map((i) => {
    const deps = s.dependencies[i] ?? [];
    return new Task(
      name(i),
      async (...received: unknown[]) => {
        const attempt = (calls[i] ?? 0) + 1;
        calls[i] = attempt;
        const now = clock++;
        if (attempt === 1) firstStart[i] = now;
        for (const d of deps) {
          const at = succeededAt[d];
          if (at === undefined || at > now) violations.push(`${name(i)} started before ${name(d)} succeeded`);
        }
        if (JSON.stringify(received) !== JSON.stringify(deps)) {
          violations.push(`${name(i)} received ${JSON.stringify(received)}, expected ${JSON.stringify(deps)}`);
        }
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          for (let k = 0; k < (s.pauses[i] ?? 0); k++) await nextMacrotask();
          await Promise.resolve();
        } finally {
          running--;
        }
        if (attempt <= (s.failures[i] ?? 0)) throw codedError('ECONNRESET', `${name(i)} attempt ${attempt}`);
        succeededAt[i] = clock++;
        return i;
      },
      {
        retries: s.retries[i] ?? 0,
        dependencies: deps.map((d) => new TaskDependency(name(d), { useResultAsAdditionalArgs: true })),
      },
    );
  });

  const p = new Process(tasks);
  const events: RunEvent[] = [];
  const options: RunOptions = { onEvent: (event) => events.push(event) };
  if (s.parallel !== undefined) options.parallel = s.parallel;
  if (s.maxWorkers !== undefined) options.maxWorkers = s.maxWorkers;
  const report = await p.run(options);

  expect(violations).toEqual([]);

  // Every task ends in exactly one final status, the one the model predicts.
  expect([...report.entries.keys()]).toEqual(p.tasks.map((t) => t.name));
  const expected = expectedStatuses(s);
  const actual: FinalStatus[] = [];
  for (let i = 0; i < n; i++) {
    const status = report.entries.get(name(i))?.status;
    expect(['success', 'errored', 'skipped']).toContain(status);
    actual.push(status as FinalStatus);
  }
  expect(actual).toEqual(expected);
  expect(report.successes.size + report.errored.size + report.skipped.size).toBe(n);

  // Skipped == transitive dependants of errored tasks, and a skipped task names an errored ancestor.
  const errored = [...report.errored.keys()].map(index);
  const downstreamOfErrored = new Set(errored.flatMap((e) => [...transitiveDependants(s, e)]));
  expect(new Set([...report.skipped.keys()].map(index))).toEqual(downstreamOfErrored);
  for (const [skippedName, entry] of report.skipped) {
    const because = entry.skippedBecause;
    expect(because).toBeDefined();
    expect(errored).toContain(index(because as string));
    expect(transitiveDependants(s, index(because as string)).has(index(skippedName))).toBe(true);
  }
  for (const [erroredName, entry] of report.errored) {
    const impact = [...transitiveDependants(s, index(erroredName))].map(name).sort();
    expect([...(entry.error?.downstreamImpact ?? [])].sort()).toEqual(impact);
  }

  // Calls: a skipped task never, a successful one failures + 1 times, an errored one 1 + retries times.
  for (let i = 0; i < n; i++) {
    const entry = report.entries.get(name(i));
    const want =
      actual[i] === 'skipped' ? 0 : actual[i] === 'success' ? (s.failures[i] ?? 0) + 1 : (s.retries[i] ?? 0) + 1;
    expect(calls[i]).toBe(want);
    expect(calls[i]).toBeLessThanOrEqual(1 + (s.retries[i] ?? 0));
    expect(entry?.attempts).toBe(want);
    if (actual[i] === 'success') expect(entry?.result).toBe(i);
  }

  // The events tell the same story: one start per call, exactly one final event per task, one run:finished.
  for (let i = 0; i < n; i++) {
    const mine = events.filter((e) => 'taskName' in e && e.taskName === name(i));
    expect(mine.filter((e) => e.type === 'task:started')).toHaveLength(calls[i] ?? 0);
    const finals = mine.filter(
      (e) => e.type === 'task:succeeded' || e.type === 'task:failed' || e.type === 'task:skipped',
    );
    expect(finals.map((e) => e.type)).toEqual([
      { success: 'task:succeeded', errored: 'task:failed', skipped: 'task:skipped' }[actual[i] as FinalStatus],
    ]);
  }
  expect(events.filter((e) => e.type === 'run:finished')).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('run:finished');

  // Never more at once than the limit; a sequential run starts tasks in topological order.
  const limit = effectiveConcurrency(s);
  expect(maxRunning).toBeLessThanOrEqual(limit);
  if (limit === 1) {
    const startOrder = p.tasks
      .map((t) => index(t.name))
      .filter((i) => firstStart[i] !== undefined)
      .map((i) => firstStart[i] as number);
    expect(startOrder).toEqual([...startOrder].sort((a, b) => a - b));
  }
}

describe('scheduler properties over random DAGs', () => {
  it('holds the run invariants for random graphs, failures, retries and worker limits', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 200 });
  }, 60_000);

  it('holds them for wide graphs that keep many tasks running at once', async () => {
    // The first eight tasks have no dependencies, so there is more ready work than workers.
    const wide = scenarioArb.map(
      (s): Scenario => ({
        ...s,
        dependencies: s.dependencies.map((deps, i) => (i < 8 ? [] : deps)),
        parallel: true,
        maxWorkers: 6,
      }),
    );
    await fc.assert(fc.asyncProperty(wide, runScenario), { numRuns: 50 });
  }, 60_000);
});
