import { Process, WorkerPool } from 'processes-js';
import { burn } from '../fixtures/bench-tasks.js';
import { benchTask } from './fixtures.js';
import { type BenchOptions, type BenchResult, round, timed } from './measure.js';

/** Rounds of `burn` that take about `ms` on this machine (measured on the main thread). */
function calibrate(ms: number): number {
  let rounds = 1_000_000;
  for (;;) {
    const start = performance.now();
    burn(rounds);
    const took = performance.now() - start;
    if (took > 50) return Math.round((rounds * ms) / took);
    rounds *= 4;
  }
}

/** CPU-bound tasks: a parallel run against a sequential run of the same engine, same pool. */
export async function speedup({ quick }: BenchOptions): Promise<BenchResult> {
  const tasks = quick ? 4 : 8;
  const taskMs = quick ? 100 : 250;
  const rounds = calibrate(taskMs);
  const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
  const process = new Process(
    Array.from({ length: tasks }, (_, i) => benchTask(`burn${i}`, 'burn', { args: [rounds] })),
  );
  try {
    await process.run({ pool, parallel: true, maxWorkers: 2 }); // warm up both threads
    const sequential = await timed(() => process.run({ pool, parallel: false }));
    const parallel = await timed(() => process.run({ pool, parallel: true, maxWorkers: 2 }));
    const ratio = sequential.ms / parallel.ms;
    return {
      scope: 'speedup',
      title: `${tasks} CPU-bound tasks of ~${taskMs} ms: parallel (2 threads) vs sequential, speed-up`,
      value: round(ratio),
      unit: 'x',
      figure: `parallel ${round(parallel.ms, 1)} ms`,
      baseline: `sequential ${round(sequential.ms, 1)} ms`,
      target: '>= 1.9',
      meetsTarget: ratio >= 1.9,
      checks: { allSucceeded: sequential.value.ok && parallel.value.ok },
      details: { sequentialMs: round(sequential.ms, 1), parallelMs: round(parallel.ms, 1), roundsPerTask: rounds },
    };
  } finally {
    await pool.close();
  }
}
