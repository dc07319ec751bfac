import { Process, Task } from 'processes-js';

export const MAIN_TASKS = 2_000;

/** Independent no-op main-thread tasks. */
export function mainThreadProcess(count = MAIN_TASKS): Process {
  const body = () => 0;
  return new Process(Array.from({ length: count }, (_, i) => new Task(`m${i}`, body)));
}

/** Tasks per second of one run, sequential (`parallel: false`) or parallel (all at once). */
export async function mainThreadRate(process: Process, parallel: boolean): Promise<{ perSecond: number; ok: boolean }> {
  const count = process.tasks.length;
  const start = performance.now();
  const report = await process.run(parallel ? { parallel: true, maxWorkers: count } : { parallel: false });
  const ms = performance.now() - start;
  return { perSecond: Math.round((count / ms) * 1000), ok: report.ok };
}
