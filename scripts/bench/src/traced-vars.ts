import { Process, WorkerPool } from 'processes-js';
import { benchTask } from './fixtures.js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';

/**
 * What capturing traced variables costs a task that does not fail: the same
 * tasks on a pool with capture (an inspector session per thread) and one
 * without, interleaved. The headline is the task that throws and catches
 * 10,000 errors itself; a CPU-bound task that never throws is in the details.
 */
export async function tracedVars({ quick }: BenchOptions): Promise<BenchResult> {
  const throws = 10_000;
  const rounds = quick ? 3 : 7;
  const withCapture = new WorkerPool({ maxThreads: 1, minThreads: 1, tracedVars: true });
  const without = new WorkerPool({ maxThreads: 1, minThreads: 1, tracedVars: false });
  const measure = async (exportName: string, args: unknown[]) => {
    const process = new Process([benchTask('task', exportName, { args })]);
    const on: number[] = [];
    const off: number[] = [];
    await process.run({ pool: withCapture });
    await process.run({ pool: without });
    for (let i = 0; i < rounds; i++) {
      on.push((await timed(() => process.run({ pool: withCapture }))).ms);
      off.push((await timed(() => process.run({ pool: without }))).ms);
    }
    return { on: median(on), off: median(off), ratio: median(on) / median(off) };
  };
  try {
    const thrown = await measure('throwAndCatch', [throws]);
    const parsed = await measure('parseAndCatch', [throws]);
    const cpu = await measure('burn', [quick ? 5_000_000 : 50_000_000]);
    return {
      scope: 'traced-vars',
      title: `a task that throws and catches ${throws} errors: with traced-variables capture vs without, time ratio`,
      value: round(thrown.ratio),
      unit: 'x',
      figure: `capture on ${round(thrown.on, 1)} ms`,
      baseline: `capture off ${round(thrown.off, 1)} ms`,
      target: '<= 2',
      meetsTarget: thrown.ratio <= 2,
      checks: {},
      details: {
        throwCatchOnMs: round(thrown.on, 1),
        throwCatchOffMs: round(thrown.off, 1),
        jsonParseCatchRatio: round(parsed.ratio),
        noThrowCpuRatio: round(cpu.ratio),
      },
    };
  } finally {
    await withCapture.close();
    await without.close();
  }
}
