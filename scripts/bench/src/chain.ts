import { Piscina } from 'piscina';
import { Process, TaskDependency, WorkerPool } from 'processes-js';
import { benchTask, RAW_WORKER } from './fixtures.js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';

/**
 * Latency: a chain of worker tasks, each taking the previous one's result,
 * against raw piscina running the same calls awaited one at a time.
 */
export async function chain({ quick }: BenchOptions): Promise<BenchResult> {
  const length = quick ? 200 : 2_000;
  const rounds = quick ? 3 : 5;
  const raw = new Piscina({ filename: RAW_WORKER, maxThreads: 2, minThreads: 2 });
  const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
  const process = new Process(
    Array.from({ length }, (_, i) =>
      i === 0
        ? benchTask('c0', 'add', { args: [0, 1] })
        : benchTask(`c${i}`, 'add', {
            args: [1],
            dependencies: [new TaskDependency(`c${i - 1}`, { useResultAsAdditionalArgs: true })],
          }),
    ),
  );
  let correct = true;
  const runEngine = async () => {
    const report = await process.run({ pool, parallel: true });
    correct &&= report.entries.get(`c${length - 1}`)?.result === length;
  };
  const runRaw = async () => {
    let value = 0;
    for (let i = 0; i < length; i++) value = (await raw.run({ op: 'add', args: [value, 1] })) as number;
    correct &&= value === length;
  };
  try {
    await runRaw();
    await runEngine();
    const rawSamples: number[] = [];
    const engineSamples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      rawSamples.push((await timed(runRaw)).ms);
      engineSamples.push((await timed(runEngine)).ms);
    }
    const rawMs = median(rawSamples);
    const engineMs = median(engineSamples);
    const perSecond = (ms: number) => Math.round((length / ms) * 1000);
    const ratio = rawMs / engineMs;
    return {
      scope: 'chain',
      title: `a chain of ${length} worker tasks (each adds 1 to the previous result) vs raw piscina awaited one at a time, median of ${rounds}`,
      value: round(ratio),
      unit: 'x',
      figure: `${perSecond(engineMs)} tasks/s`,
      baseline: `raw piscina ${perSecond(rawMs)} tasks/s`,
      target: '>= 1.0',
      meetsTarget: ratio >= 1,
      checks: { lastResultCorrect: correct },
      details: { rawMs: round(rawMs, 1), engineMs: round(engineMs, 1) },
    };
  } finally {
    await raw.destroy();
    await pool.close();
  }
}
