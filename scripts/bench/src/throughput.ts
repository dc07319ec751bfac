import { Piscina } from 'piscina';
import { Process, WorkerPool } from 'processes-js';
import { benchTask, RAW_WORKER } from './fixtures.js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';

const THREADS = 2;

/**
 * No-op worker tasks: the engine's per-task overhead against raw piscina
 * with the same threads, and what traced-variables capture costs it (the
 * same run on a pool with capture off), all interleaved in one sitting.
 */
export async function throughput({ quick }: BenchOptions): Promise<BenchResult[]> {
  const count = quick ? 2_000 : 20_000;
  const rounds = quick ? 3 : 11;
  const raw = new Piscina({ filename: RAW_WORKER, maxThreads: THREADS, minThreads: THREADS });
  const pool = new WorkerPool({ maxThreads: THREADS, minThreads: THREADS });
  const poolWithoutCapture = new WorkerPool({ maxThreads: THREADS, minThreads: THREADS, tracedVars: false });
  const runRaw = () => Promise.all(Array.from({ length: count }, () => raw.run({ op: 'noop' })));
  const process = new Process(Array.from({ length: count }, (_, i) => benchTask(`noop${i}`, 'noop')));
  let allOk = true;
  const runOn = (on: WorkerPool) => async () => {
    const report = await process.run({ pool: on, parallel: true, maxWorkers: 64 });
    allOk &&= report.ok;
  };
  const runEngine = runOn(pool);
  const runWithoutCapture = runOn(poolWithoutCapture);
  try {
    // Warm every side: threads started, modules loaded, code optimised.
    await runRaw();
    await runEngine();
    await runWithoutCapture();
    const rawSamples: number[] = [];
    const engineSamples: number[] = [];
    const offSamples: number[] = [];
    // Each timed run starts on a collected heap: otherwise a side pays for the garbage the one before it left,
    // and which side a full collection lands in moved capture-cost by tens of per cent from run to run.
    const collected = async (run: () => Promise<unknown>) => {
      globalThis.gc?.();
      return (await timed(run)).ms;
    };
    for (let i = 0; i < rounds; i++) {
      rawSamples.push(await collected(runRaw));
      // Capture on and off in turn first, so neither side always runs right after raw piscina's threads.
      if (i % 2 === 0) {
        engineSamples.push(await collected(runEngine));
        offSamples.push(await collected(runWithoutCapture));
      } else {
        offSamples.push(await collected(runWithoutCapture));
        engineSamples.push(await collected(runEngine));
      }
    }
    const rawMs = median(rawSamples);
    const engineMs = median(engineSamples);
    const offMs = median(offSamples);
    const perSecond = (ms: number) => Math.round((count / ms) * 1000);
    const ratio = rawMs / engineMs;
    // Each round's on/off pair ran back to back, under the same load: the median of the pairs' ratios
    // follows the machine's load as it drifts, which the ratio of two medians does not.
    const captureCost = (median(engineSamples.map((ms, i) => ms / (offSamples[i] as number))) - 1) * 100;
    const sent = pool.sent;
    return [
      {
        scope: 'throughput',
        title: `${count} no-op worker tasks: engine vs raw piscina (${THREADS} threads), throughput ratio, median of ${rounds}`,
        value: round(ratio),
        unit: 'x',
        figure: `${perSecond(engineMs)} tasks/s`,
        baseline: `raw piscina ${perSecond(rawMs)} tasks/s`,
        target: '>= 1.0 (goal 2)',
        meetsTarget: ratio >= 1,
        checks: { allSucceeded: allOk },
        details: {
          rawTasksPerSecond: perSecond(rawMs),
          engineTasksPerSecond: perSecond(engineMs),
          rawMs: round(rawMs, 1),
          engineMs: round(engineMs, 1),
          attemptsPerMessage: round(sent.attempts / sent.messages, 1),
        },
      },
      {
        scope: 'capture-cost',
        title: `the same no-op tasks: traced-variables capture on (the default) vs a pool with tracedVars: false, extra time`,
        value: round(captureCost, 1),
        unit: '%',
        figure: `capture on ${perSecond(engineMs)} tasks/s`,
        baseline: `capture off ${perSecond(offMs)} tasks/s`,
        target: '<= 5',
        meetsTarget: captureCost <= 5,
        checks: {},
        details: { captureOnMs: round(engineMs, 1), captureOffMs: round(offMs, 1) },
      },
    ];
  } finally {
    await raw.destroy();
    await pool.close();
    await poolWithoutCapture.close();
  }
}
