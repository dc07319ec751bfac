import { Process, Task, TaskDependency, WorkerPool } from 'processes-js';
import { benchTask } from './fixtures.js';
import { type BenchOptions, type BenchResult, round, settledHeapBytes } from './measure.js';

/** A small graph: one worker task feeding two main-thread tasks. */
function smallProcess(): Process {
  const fromAdd = new TaskDependency('add', { useResultAsAdditionalArgs: true });
  return new Process([
    benchTask('add', 'add', { args: [1, 2] }),
    new Task('double', (n: number) => n * 2, { dependencies: [fromAdd] }),
    new Task('square', (n: number) => n * n, { dependencies: [fromAdd] }),
  ]);
}

/**
 * One long-lived pool, many runs: back to back, then 50 at once. Heap growth
 * after the first 100 runs shows whether runs leave anything behind.
 */
export async function memory({ quick }: BenchOptions): Promise<BenchResult> {
  const runs = quick ? 300 : 1_000;
  const baselineAt = quick ? 50 : 100;
  const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
  let baseline = 0;
  let allOk = true;
  for (let i = 1; i <= runs; i++) {
    const report = await smallProcess().run({ pool, parallel: true });
    allOk &&= report.ok;
    if (i === baselineAt) baseline = settledHeapBytes();
  }
  for (let batch = 0; batch < runs / 50; batch++) {
    const reports = await Promise.all(Array.from({ length: 50 }, () => smallProcess().run({ pool, parallel: true })));
    allOk &&= reports.every((report) => report.ok);
  }
  const after = settledHeapBytes();
  const growth = ((after - baseline) / baseline) * 100;
  await pool.close();
  return {
    scope: 'memory',
    title: `one pool, ${runs} runs back to back + ${runs} in batches of 50: heap growth after run ${baselineAt}`,
    value: round(growth, 1),
    unit: '%',
    figure: `heap ${round(after / 2 ** 20)} MiB at the end`,
    baseline: `heap ${round(baseline / 2 ** 20)} MiB after run ${baselineAt}`,
    target: '<= 10',
    meetsTarget: growth <= 10,
    checks: { allSucceeded: allOk, noThreadAfterClose: pool.threadCount === 0 },
    details: { heapAtBaselineMiB: round(baseline / 2 ** 20), heapAtEndMiB: round(after / 2 ** 20) },
  };
}
