import { setTimeout as sleep } from 'node:timers/promises';
import { Process, Task } from 'processes-js';
import { type BenchOptions, type BenchResult, medianMs, round } from './measure.js';

/**
 * Makespan of critical-path-first scheduling against topological order, on
 * a long chain listed after many short independent tasks (so topological
 * order starts the chain last). Tasks wait on a timer (I/O-like work), so
 * the four slots really overlap. The baseline is the same graph with
 * `priority` set to follow topological order, which overrides the critical
 * path: the two runs differ only in the order ready tasks start.
 */
export async function criticalPath({ quick }: BenchOptions): Promise<BenchResult> {
  const stepMs = quick ? 5 : 20;
  const chainLength = 10;
  const shortCount = 40;
  const samples = quick ? 2 : 3;
  const work = () => sleep(stepMs);
  const build = (topological: boolean) => {
    const short = Array.from(
      { length: shortCount },
      (_, i) => new Task(`short_${i}`, work, topological ? { priority: -i } : {}),
    );
    const chain = Array.from(
      { length: chainLength },
      (_, i) =>
        new Task(`chain_${i}`, work, {
          dependencies: i === 0 ? [] : [`chain_${i - 1}`],
          ...(topological ? { priority: -(shortCount + i) } : {}),
        }),
    );
    return new Process([...short, ...chain]);
  };
  const options = { parallel: true, maxWorkers: 4 } as const;
  const critical = build(false);
  const topological = build(true);
  let ok = true;
  const criticalMs = await medianMs(samples, async () => {
    ok &&= (await critical.run(options)).ok;
  });
  const topologicalMs = await medianMs(samples, async () => {
    ok &&= (await topological.run(options)).ok;
  });
  const ratio = criticalMs / topologicalMs;
  return {
    scope: 'critical-path',
    title: `makespan, critical path first / topological order: a ${chainLength}-task chain beside ${shortCount} short tasks, 4 slots, ${stepMs} ms each`,
    figure: `critical path first ${round(criticalMs, 1)} ms`,
    baseline: `topological order ${round(topologicalMs, 1)} ms`,
    value: round(ratio),
    unit: 'x',
    target: '<= 0.8',
    meetsTarget: ratio <= 0.8,
    checks: { runsSucceeded: ok },
    details: { criticalPathMs: round(criticalMs, 1), topologicalMs: round(topologicalMs, 1), stepMs },
  };
}
