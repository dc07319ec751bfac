import { Process, WorkerPool } from 'processes-js';
import { benchTask } from './fixtures.js';
import type { BenchOptions, BenchResult } from './measure.js';
import { round } from './measure.js';

/** A `while (true) {}` task with a timeout: how soon its failure is reported, and whether the pool goes on. */
export async function hardTimeout({ quick }: BenchOptions): Promise<BenchResult> {
  const timeoutMs = quick ? 200 : 500;
  const budgetMs = timeoutMs + 100;
  const pool = new WorkerPool({ maxThreads: 1, minThreads: 1 });
  try {
    await new Process([benchTask('warm', 'add', { args: [1, 1] })]).run({ pool });
    let startedAt = 0;
    let failedAt = 0;
    const report = await new Process([benchTask('runaway', 'spin', { timeoutMs })]).run({
      pool,
      onEvent: (event) => {
        if (event.type === 'task:started') startedAt = event.at;
        if (event.type === 'task:failed') failedAt = event.at;
      },
    });
    const reportedAfter = failedAt - startedAt;
    const next = await new Process([benchTask('next', 'add', { args: [2, 3] })]).run({ pool });
    return {
      scope: 'timeout',
      title: `while (true) {} with timeoutMs ${timeoutMs}: time until reported`,
      value: round(reportedAfter, 1),
      unit: 'ms',
      figure: `reported after ${round(reportedAfter, 1)} ms`,
      baseline: `timeoutMs ${timeoutMs}`,
      target: `<= ${budgetMs}`,
      meetsTarget: reportedAfter <= budgetMs,
      checks: {
        timedOut: report.entries.get('runaway')?.error?.errorName === 'TaskTimeoutError',
        nextTaskRan: next.entries.get('next')?.result === 5,
      },
      details: { timeoutMs, endedBy: String(report.entries.get('runaway')?.error?.thrown.props?.['endedBy']) },
    };
  } finally {
    await pool.close();
  }
}
