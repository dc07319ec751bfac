import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Process, Task, type TriggerRule } from '../dist/index.js';
import { nextMacrotask } from './fixtures/control.js';

const RULES: readonly TriggerRule[] = ['allSuccess', 'allDone', 'anyFailed', 'allFailed', 'noneFailed', 'anySuccess'];

/** Task `i` depends on some tasks before it (acyclic), has a rule, and fails when it runs if `fails[i]`. */
interface Scenario {
  readonly dependencies: readonly (readonly number[])[];
  readonly rules: readonly TriggerRule[];
  readonly fails: readonly boolean[];
  readonly pauses: readonly number[];
  readonly maxWorkers: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 30 }).chain((n) => {
  const perTask = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: n, maxLength: n });
  return fc.record({
    dependencies: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: i - 1 }), { maxLength: Math.min(i, 4) }),
      ),
    ),
    rules: perTask(fc.constantFrom(...RULES)),
    fails: perTask(fc.boolean()),
    pauses: perTask(fc.integer({ min: 0, max: 2 })),
    maxWorkers: fc.integer({ min: 1, max: 6 }),
  });
});

type Status = 'success' | 'errored' | 'skipped';

/** The reference model: a rule is a predicate on the final statuses of the direct dependencies. */
function holds(rule: TriggerRule, upstream: readonly Status[]): boolean {
  if (upstream.length === 0) return true;
  const failed = upstream.filter((s) => s === 'errored').length;
  const succeeded = upstream.filter((s) => s === 'success').length;
  switch (rule) {
    case 'allSuccess':
      return succeeded === upstream.length;
    case 'allDone':
      return true;
    case 'anyFailed':
      return failed > 0;
    case 'allFailed':
      return failed === upstream.length;
    case 'noneFailed':
      return failed === 0;
    case 'anySuccess':
      return succeeded > 0;
  }
}

function expected(s: Scenario): Status[] {
  const statuses: Status[] = [];
  s.dependencies.forEach((deps, i) => {
    const upstream = deps.map((d) => statuses[d] as Status);
    if (!holds(s.rules[i] as TriggerRule, upstream)) statuses.push('skipped');
    else statuses.push(s.fails[i] ? 'errored' : 'success');
  });
  return statuses;
}

function build(s: Scenario): Task[] {
  return s.dependencies.map(
    (deps, i) =>
      new Task(
        `t${i}`,
        async () => {
          for (let p = 0; p < (s.pauses[i] ?? 0); p++) await nextMacrotask();
          if (s.fails[i]) throw new Error(`t${i} fails`);
          return i;
        },
        { dependencies: deps.map((d) => `t${d}`), runIf: s.rules[i] as TriggerRule },
      ),
  );
}

describe('trigger rules over random graphs', () => {
  it('every task ends as the reference model says, and each skip names its rule and refuting dependencies', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const report = await new Process(build(s)).run({ parallel: true, maxWorkers: s.maxWorkers });
        const want = expected(s);
        const got = s.dependencies.map((_, i) => report.entries.get(`t${i}`)?.status);
        expect(got).toEqual(want);
        s.dependencies.forEach((deps, i) => {
          const entry = report.entries.get(`t${i}`);
          if (entry?.status !== 'skipped') {
            expect(entry?.skip).toBeUndefined();
            return;
          }
          expect(entry.skip?.rule).toBe(s.rules[i]);
          const named = entry.skip?.upstream ?? [];
          expect(named.length).toBeGreaterThan(0);
          // Each named dependency is a direct one, and its ending is one the rule objects to.
          for (const name of named) expect(deps.map((d) => `t${d}`)).toContain(name);
          const rest = deps.filter((d) => !named.includes(`t${d}`)).map((d) => want[d] as Status);
          const namedStatuses = named.map((name) => want[Number(name.slice(1))] as Status);
          expect(holds(s.rules[i] as TriggerRule, namedStatuses) && rest.length === 0).toBe(false);
          expect(entry.skippedBecause).toBeTruthy();
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a sequential run (one at a time) ends the same way', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const report = await new Process(build(s)).run({ parallel: false });
        expect(s.dependencies.map((_, i) => report.entries.get(`t${i}`)?.status)).toEqual(expected(s));
      }),
      { numRuns: 60 },
    );
  });
});
