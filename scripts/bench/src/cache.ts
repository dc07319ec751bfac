import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Process, type ProcessExecutionReport, WorkerPool } from 'processes-js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';

/** What the bench uses of the ETL example (apps/examples, built), imported by path: the example ships no types. */
interface EtlModule {
  createEtlPipeline(options: { sizeMb: number; shards: number; outDir: string; cache?: boolean }): Process;
}

const THREADS = 2;

/**
 * The ETL example with the result cache: a run on an empty cache (every
 * task misses, computes and stores) against the same pipeline with no cache
 * (the overhead: keys, serialising and writing results), and a run on the
 * cache the miss run filled (every task but the summary reused) against that
 * miss run. Interleaved, medians of three.
 */
export async function cache({ quick }: BenchOptions): Promise<BenchResult> {
  const specifier = 'processes-examples/dist/etl-pipeline.js';
  const { createEtlPipeline } = (await import(specifier)) as EtlModule;
  const root = await mkdtemp(join(tmpdir(), 'processes-bench-cache-'));
  const pipeline = createEtlPipeline({
    sizeMb: quick ? 4 : 32,
    shards: quick ? 2 : 4,
    outDir: join(root, 'data'),
    cache: true,
  });
  const pool = new WorkerPool({ maxThreads: THREADS, minThreads: THREADS });
  const run = async (cacheDir?: string): Promise<ProcessExecutionReport> => {
    const report = await pipeline.run({
      pool,
      parallel: true,
      maxWorkers: THREADS,
      ...(cacheDir ? { cache: { dir: cacheDir } } : {}),
    });
    if (!report.ok) throw new Error('the ETL pipeline failed');
    return report;
  };
  const plain: number[] = [];
  const miss: number[] = [];
  const hit: number[] = [];
  let reusedOnHit = 0;
  let sameSummary = true;
  try {
    await run(); // warm up: threads, modules, the data directory
    for (let i = 0; i < 3; i++) {
      const dir = join(root, `cache-${i}`);
      const noCache = await timed(() => run());
      const cold = await timed(() => run(dir));
      const warm = await timed(() => run(dir));
      plain.push(noCache.ms);
      miss.push(cold.ms);
      hit.push(warm.ms);
      reusedOnHit = [...warm.value.entries.values()].filter((entry) => entry.reused).length;
      const summary = (report: ProcessExecutionReport) => JSON.stringify(report.entries.get('summarise')?.result);
      sameSummary &&= summary(warm.value) === summary(noCache.value) && summary(cold.value) === summary(noCache.value);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await pool.close();
    await rm(root, { recursive: true, force: true });
  }
  const tasks = pipeline.tasks.length;
  const hitRatio = median(hit) / median(miss);
  const overhead = median(miss) / median(plain);
  return {
    scope: 'cache',
    title: `the ETL example (${tasks} tasks) run again on a full cache: second run time / first (overhead on a run with no hits: ${round(overhead)}x, target <= 1.05)`,
    value: round(hitRatio, 3),
    unit: 'x',
    figure: `second run ${round(median(hit), 1)} ms`,
    baseline: `first run ${round(median(miss), 1)} ms (no cache: ${round(median(plain), 1)} ms)`,
    target: '<= 0.05',
    meetsTarget: hitRatio <= 0.05 && overhead <= 1.05,
    checks: { everyTaskButTheSummaryReused: reusedOnHit === tasks - 1, sameResults: sameSummary },
    details: {
      missOverhead: round(overhead, 3),
      plainMs: round(median(plain), 1),
      missMs: round(median(miss), 1),
      hitMs: round(median(hit), 1),
      reusedOnHit,
    },
  };
}
