import { Piscina } from 'piscina';
import { Process, TaskDependency, WorkerPool } from 'processes-js';
import { benchTask, RAW_WORKER } from './fixtures.js';
import { type BenchOptions, type BenchResult, medianMs, round } from './measure.js';

/**
 * A large buffer made in one worker task and passed through three more, each
 * hop by transfer: the engine against the same four transfers in raw piscina.
 */
export async function transfer({ quick }: BenchOptions): Promise<BenchResult> {
  const bytes = (quick ? 8 : 64) * 1024 * 1024;
  const raw = new Piscina({ filename: RAW_WORKER, maxThreads: 2, minThreads: 2 });
  const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
  const chain = new Process([
    benchTask('make', 'makeBuffer', { args: [bytes], transferResult: true }),
    ...['hop1', 'hop2', 'hop3'].map((name, i) =>
      benchTask(name, 'touch', {
        transferResult: true,
        dependencies: [new TaskDependency(i === 0 ? 'make' : `hop${i}`, { useResultAsAdditionalArgs: true })],
      }),
    ),
  ]);
  let engineMoved = true;
  const runEngine = async () => {
    const report = await chain.run({ pool, parallel: true, maxWorkers: 2 });
    const last = report.entries.get('hop3')?.result as Uint8Array | undefined;
    const first = report.entries.get('make')?.result as Uint8Array | undefined;
    // Moved, not copied: the main thread's reference to each intermediate buffer is detached.
    engineMoved &&= last?.byteLength === bytes && first?.byteLength === 0;
  };
  const runRaw = async () => {
    let buffer = (await raw.run({ op: 'makeBuffer', args: [bytes], transfer: true })) as Uint8Array;
    for (let hop = 0; hop < 3; hop++) {
      buffer = (await raw.run(
        { op: 'touch', args: [buffer], transfer: true },
        { transferList: [buffer.buffer as ArrayBuffer] },
      )) as Uint8Array;
    }
    if (buffer.byteLength !== bytes) throw new Error('raw chain lost bytes');
  };
  try {
    await runRaw();
    await runEngine();
    const rawMs = await medianMs(5, runRaw);
    const engineMs = await medianMs(5, runEngine);
    const ratio = engineMs / rawMs;
    return {
      scope: 'transfer',
      title: `${bytes / 1024 / 1024} MiB buffer through 4 worker tasks: engine vs raw piscina transfers, time ratio`,
      value: round(ratio),
      unit: 'x',
      figure: `engine ${round(engineMs, 1)} ms`,
      baseline: `raw piscina ${round(rawMs, 1)} ms`,
      target: '<= 1.5',
      meetsTarget: ratio <= 1.5,
      checks: { movedNotCopied: engineMoved },
      details: { rawMs: round(rawMs, 1), engineMs: round(engineMs, 1) },
    };
  } finally {
    await raw.destroy();
    await pool.close();
  }
}
