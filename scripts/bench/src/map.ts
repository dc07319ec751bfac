import { Process, Task } from 'processes-js';
import { type BenchOptions, type BenchResult, medianMs, round } from './measure.js';

/**
 * The engine's cost per mapped item against its cost per static task: the
 * same trivial body run N times, once as one task mapped over N items, once
 * as N independent tasks, side by side. The body does nothing, so the
 * figures are the engine's own work per unit (scheduling, attempts, entries).
 */
export async function map({ quick }: BenchOptions): Promise<BenchResult> {
  const count = quick ? 5_000 : 100_000;
  const samples = quick ? 3 : 5;
  const body = (n: number) => n;
  const items = Array.from({ length: count }, (_, i) => i);
  const mapped = new Process([
    new Task('split', () => items),
    new Task('each', body, { map: 'split', dependencies: ['split'] }),
  ]);
  const statics = new Process(Array.from({ length: count }, (_, i) => new Task(`t${i}`, body, { args: [i] })));
  const options = { parallel: true, maxWorkers: 8 } as const;
  let mappedOk = false;
  let staticOk = false;
  const mappedMs = await medianMs(samples, async () => {
    const report = await mapped.run(options);
    const results = report.entries.get('each')?.result;
    mappedOk = report.ok && Array.isArray(results) && results.length === count;
  });
  const staticMs = await medianMs(samples, async () => {
    staticOk = (await statics.run(options)).ok;
  });
  const ratio = mappedMs / staticMs;
  return {
    scope: 'map',
    title: `${count} items of one mapped task vs ${count} static tasks (trivial body, main thread): time per item / per task`,
    figure: `mapped ${round((mappedMs / count) * 1000, 2)} µs/item`,
    baseline: `static ${round((staticMs / count) * 1000, 2)} µs/task`,
    value: round(ratio),
    unit: 'x',
    target: '<= 1.5',
    meetsTarget: ratio <= 1.5,
    checks: { mappedRunSucceeded: mappedOk, staticRunSucceeded: staticOk },
    details: {
      items: count,
      perItemMicroseconds: round((mappedMs / count) * 1000, 2),
      perStaticTaskMicroseconds: round((staticMs / count) * 1000, 2),
    },
  };
}
