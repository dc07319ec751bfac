import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAIN_TASKS, mainThreadProcess, mainThreadRate } from './main-thread-tasks.js';
import { type BenchOptions, type BenchResult, median } from './measure.js';

const FIRST_RUN = fileURLToPath(new URL('./main-first-run.js', import.meta.url));

/** The first run in a fresh Node process, as a CLI run is. */
function firstRun(mode: 'sequential' | 'parallel'): { perSecond: number; ok: boolean } {
  return JSON.parse(execFileSync(process.execPath, [FIRST_RUN, mode], { encoding: 'utf8' })) as {
    perSecond: number;
    ok: boolean;
  };
}

/**
 * Main-thread tasks: 2,000 independent no-ops, sequential and parallel,
 * once warm (median of several runs) and in the first run of a fresh
 * process. The baseline is the same functions awaited one by one in a loop.
 */
export async function main({ quick }: BenchOptions): Promise<BenchResult> {
  const rounds = quick ? 5 : 15;
  const process = mainThreadProcess();
  const body = () => 0;
  const loop = async () => {
    const start = performance.now();
    for (let i = 0; i < MAIN_TASKS; i++) await Promise.resolve(body());
    return Math.round((MAIN_TASKS / (performance.now() - start)) * 1000);
  };
  let ok = true;
  const sequential: number[] = [];
  const parallel: number[] = [];
  const loops: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const s = await mainThreadRate(process, false);
    const p = await mainThreadRate(process, true);
    ok &&= s.ok && p.ok;
    sequential.push(s.perSecond);
    parallel.push(p.perSecond);
    loops.push(await loop());
  }
  // Warm: the later half of the rounds, when the code is optimised.
  const warm = (samples: number[]) => median(samples.slice(Math.floor(samples.length / 2)));
  const firstSequential = firstRun('sequential');
  const firstParallel = firstRun('parallel');
  ok &&= firstSequential.ok && firstParallel.ok;
  const warmSequential = warm(sequential);
  const warmParallel = warm(parallel);
  const slowest = Math.min(warmSequential, warmParallel);
  return {
    scope: 'main',
    title: `${MAIN_TASKS} independent no-op main-thread tasks, sequential and parallel: tasks/s of the slower mode once warm`,
    value: Math.round(slowest),
    unit: 'tasks/s',
    figure: `warm: sequential ${Math.round(warmSequential)}/s, parallel ${Math.round(warmParallel)}/s; first run: sequential ${firstSequential.perSecond}/s, parallel ${firstParallel.perSecond}/s`,
    baseline: `the same functions awaited in a loop ${Math.round(warm(loops))}/s`,
    target: '>= 150000',
    meetsTarget: slowest >= 150_000,
    checks: { allSucceeded: ok },
    details: {
      warmSequentialPerSecond: Math.round(warmSequential),
      warmParallelPerSecond: Math.round(warmParallel),
      firstRunSequentialPerSecond: firstSequential.perSecond,
      firstRunParallelPerSecond: firstParallel.perSecond,
      awaitLoopPerSecond: Math.round(warm(loops)),
    },
  };
}
