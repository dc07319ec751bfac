import { Piscina } from 'piscina';
import { Process, WorkerPool } from 'processes-js';
import { benchTask, RAW_WORKER } from './fixtures.js';
import { type BenchOptions, type BenchResult, round, timed } from './measure.js';

const THREADS = 2;

/** No-op worker tasks: the engine's per-task overhead against raw piscina with the same threads. */
export async function throughput({ quick }: BenchOptions): Promise<BenchResult> {
  const count = quick ? 2_000 : 20_000;
  const raw = new Piscina({ filename: RAW_WORKER, maxThreads: THREADS, minThreads: THREADS });
  const pool = new WorkerPool({ maxThreads: THREADS, minThreads: THREADS });
  const runRaw = () => Promise.all(Array.from({ length: count }, () => raw.run({ op: 'noop' })));
  const process = new Process(Array.from({ length: count }, (_, i) => benchTask(`noop${i}`, 'noop')));
  const runEngine = async () => {
    const report = await process.run({ pool, parallel: true, maxWorkers: 64 });
    if (!report.ok) throw new Error('a no-op task failed');
  };
  try {
    // Warm both: threads started, modules loaded, code optimised.
    await runRaw();
    await runEngine();
    const rawSamples: number[] = [];
    const engineSamples: number[] = [];
    for (let i = 0; i < 3; i++) {
      rawSamples.push((await timed(runRaw)).ms);
      engineSamples.push((await timed(runEngine)).ms);
    }
    const rawBest = Math.min(...rawSamples);
    const engineBest = Math.min(...engineSamples);
    const ratio = rawBest / engineBest;
    return {
      scope: 'throughput',
      title: `${count} no-op worker tasks: engine vs raw piscina (${THREADS} threads), throughput ratio`,
      value: round(ratio),
      unit: 'x',
      target: '>= 0.8',
      meetsTarget: ratio >= 0.8,
      checks: {},
      details: {
        rawTasksPerSecond: Math.round((count / rawBest) * 1000),
        engineTasksPerSecond: Math.round((count / engineBest) * 1000),
        rawMs: round(rawBest, 1),
        engineMs: round(engineBest, 1),
      },
    };
  } finally {
    await raw.destroy();
    await pool.close();
  }
}
