import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Process, Task, taskContext } from '../dist/index.js';
import { nextMacrotask } from './fixtures/control.js';

/**
 * A random graph whose tasks may sit in one of two pools with random slots,
 * and may be mapped over their first dependency's result (an array whose
 * length is the task's `items`).
 */
interface Scenario {
  readonly dependencies: readonly (readonly number[])[];
  readonly pool: readonly (0 | 1 | null)[];
  readonly slots: readonly number[];
  readonly mapped: readonly boolean[];
  readonly items: readonly number[];
  readonly pauses: readonly number[];
  readonly sizes: readonly [number, number];
  readonly maxWorkers: number;
  readonly maxParallel: readonly (number | undefined)[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    n: fc.integer({ min: 1, max: 20 }),
    sizes: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  })
  .chain(({ n, sizes }) => {
    const perTask = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: n, maxLength: n });
    return fc.record({
      dependencies: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: i - 1 }), { maxLength: Math.min(i, 3) }),
        ),
      ),
      pool: perTask(fc.constantFrom<0 | 1 | null>(0, 1, null)),
      slots: perTask(fc.integer({ min: 1, max: 3 })),
      mapped: perTask(fc.boolean()),
      items: perTask(fc.integer({ min: 0, max: 6 })),
      pauses: perTask(fc.integer({ min: 0, max: 2 })),
      sizes: fc.constant(sizes),
      maxWorkers: fc.integer({ min: 1, max: 6 }),
      maxParallel: perTask(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })),
    });
  });

describe('concurrency pools and mapped tasks over random graphs', () => {
  it('never exceed a pool’s slots, maxParallel or maxWorkers, and every task and item runs exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const inUse = [0, 0];
        const maxInUse = [0, 0];
        let running = 0;
        let maxRunning = 0;
        const runningOf = new Map<number, number>();
        const violations: string[] = [];
        const calls = new Map<string, number>();
        const tasks = s.dependencies.map((deps, i) => {
          const pool = s.pool[i] ?? null;
          // poolSlots above the pool's size is a construction error (tested elsewhere): clamp.
          const slots = pool === null ? 1 : Math.min(s.slots[i] ?? 1, s.sizes[pool]);
          const isMapped = (s.mapped[i] ?? false) && deps.length > 0;
          const body = async () => {
            const key = taskContext().taskName; // `t3`, or `t3[1]` for an item
            calls.set(key, (calls.get(key) ?? 0) + 1);
            running++;
            maxRunning = Math.max(maxRunning, running);
            runningOf.set(i, (runningOf.get(i) ?? 0) + 1);
            const limit = s.maxParallel[i];
            if (isMapped && limit !== undefined && (runningOf.get(i) ?? 0) > limit)
              violations.push(`t${i} maxParallel`);
            if (pool !== null) {
              inUse[pool] = (inUse[pool] ?? 0) + slots;
              maxInUse[pool] = Math.max(maxInUse[pool] ?? 0, inUse[pool] ?? 0);
            }
            for (let p = 0; p < (s.pauses[i] ?? 0); p++) await nextMacrotask();
            if (pool !== null) inUse[pool] = (inUse[pool] ?? 0) - slots;
            runningOf.set(i, (runningOf.get(i) ?? 0) - 1);
            running--;
            // Every task returns an array, so any dependant may map over it.
            return Array.from({ length: s.items[i] ?? 0 }, (_, k) => k);
          };
          const limit = s.maxParallel[i];
          return new Task(`t${i}`, body, {
            dependencies: deps.map((d) => `t${d}`),
            ...(pool === null ? {} : { pool: `p${pool}`, poolSlots: slots }),
            ...(isMapped ? { map: `t${deps[0]}`, ...(limit === undefined ? {} : { maxParallel: limit }) } : {}),
          });
        });
        const report = await new Process(tasks, { pools: { p0: s.sizes[0], p1: s.sizes[1] } }).run({
          parallel: true,
          maxWorkers: s.maxWorkers,
        });
        expect(report.ok).toBe(true);
        expect(violations).toEqual([]);
        expect(maxInUse[0]).toBeLessThanOrEqual(s.sizes[0]);
        expect(maxInUse[1]).toBeLessThanOrEqual(s.sizes[1]);
        expect(maxRunning).toBeLessThanOrEqual(s.maxWorkers);
        expect([...calls.values()].every((count) => count === 1)).toBe(true);
        s.dependencies.forEach((deps, i) => {
          const entry = report.entries.get(`t${i}`);
          if ((s.mapped[i] ?? false) && deps.length > 0) {
            // A mapped source's result is its items' results, one per item.
            const sourceResult = report.entries.get(`t${deps[0]}`)?.result;
            expect(Array.isArray(sourceResult)).toBe(true);
            const source = (sourceResult as unknown[]).length;
            expect(entry?.map?.items).toBe(source);
            expect(entry?.items?.map((e) => e.mapItem?.index)).toEqual(Array.from({ length: source }, (_, k) => k));
          } else {
            expect(calls.get(`t${i}`)).toBe(1);
          }
        });
      }),
      { numRuns: 120 },
    );
  });
});
