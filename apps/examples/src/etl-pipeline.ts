// The ETL example's pipeline, on its own so the CLI can run it too:
//   processes run apps/examples/dist/etl-pipeline.js --html etl.html
//
// Per shard: generate → parse → transform → aggregate, and generate → compress,
// all on worker threads; then combine, archive and summarise on the main thread.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, Task, TaskDependency, workerTask } from 'processes-js';
import type { Compressed, ShardAggregate } from './etl-tasks.js';

export interface EtlOptions {
  /** Size of the generated CSV data set, in MiB, over all shards. */
  readonly sizeMb: number;
  /** How many shards (files) the data set is split into: the unit of parallel work. */
  readonly shards: number;
  /** Where the data set, the compressed shards and the summary are written. */
  readonly outDir: string;
  /**
   * Let `run({ cache })` reuse every task's result but `summarise` (which
   * writes the summary file, a side effect each run should have). @default false
   */
  readonly cache?: boolean;
}

export const ETL_DEFAULTS: EtlOptions = { sizeMb: 64, shards: 8, outDir: join(tmpdir(), 'processes-etl') };

/** What the pipeline found, written to `summary.json`: identical for every run of the same options. */
export interface EtlSummary {
  readonly rows: number;
  readonly revenueByRegion: Record<string, number>;
  readonly revenueByMonth: number[];
  readonly topSkus: Array<{ sku: string; revenue: number }>;
  readonly refunds: number;
  readonly cancelled: number;
  readonly outliers: number;
  readonly csvBytes: number;
  readonly compressedBytes: number;
  readonly summaryPath: string;
}

const TASKS = new URL('./etl-tasks.js', import.meta.url);
const cents = (value: number): number => Math.round(value * 100) / 100;

/** Adds up the shards' aggregates (passed positionally, one per shard). */
function combine(...aggregates: ShardAggregate[]): Omit<EtlSummary, 'csvBytes' | 'compressedBytes' | 'summaryPath'> {
  const revenueByRegion: Record<string, number> = {};
  const revenueByMonth = new Array<number>(12).fill(0);
  const revenueBySku: number[] = [];
  let rows = 0;
  let refunds = 0;
  let cancelled = 0;
  let outliers = 0;
  for (const shard of aggregates) {
    rows += shard.rows;
    refunds += shard.refunds;
    cancelled += shard.cancelled;
    outliers += shard.outliers;
    for (const [region, revenue] of Object.entries(shard.revenueByRegion)) {
      revenueByRegion[region] = (revenueByRegion[region] ?? 0) + revenue;
    }
    shard.revenueByMonth.forEach((revenue, month) => {
      revenueByMonth[month] = (revenueByMonth[month] ?? 0) + revenue;
    });
    shard.revenueBySku.forEach((revenue, sku) => {
      revenueBySku[sku] = (revenueBySku[sku] ?? 0) + revenue;
    });
  }
  const topSkus = revenueBySku
    .map((revenue, sku) => ({ sku: `sku-${String(sku).padStart(4, '0')}`, revenue: cents(revenue) }))
    .sort((a, b) => b.revenue - a.revenue)
    .slice(0, 5);
  return {
    rows,
    revenueByRegion: Object.fromEntries(
      Object.entries(revenueByRegion)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, revenue]) => [region, cents(revenue)]),
    ),
    revenueByMonth: revenueByMonth.map(cents),
    topSkus,
    refunds,
    cancelled,
    outliers,
  };
}

/** Totals of the compressed shards. */
function archive(...files: Compressed[]): { csvBytes: number; compressedBytes: number } {
  return {
    csvBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    compressedBytes: files.reduce((sum, file) => sum + file.compressedBytes, 0),
  };
}

/** Builds the ETL pipeline for these options; run it as often as you like. */
export function createEtlPipeline(options: EtlOptions): Process {
  const { sizeMb, shards, outDir } = options;
  const cache = options.cache === true;
  const bytesPerShard = Math.ceil((sizeMb * 1024 * 1024) / shards);
  const ids = Array.from({ length: shards }, (_, i) => String(i).padStart(2, '0'));
  const asArg = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });
  const asKwarg = (name: string, kwarg: string) =>
    new TaskDependency(name, { useResultAsAdditionalKwargs: true, additionalKwargName: kwarg });

  const perShard = ids.flatMap((id, shard) => [
    new Task(`generate_${id}`, workerTask(TASKS, 'generate'), {
      args: [{ shard, bytes: bytesPerShard, dir: outDir }],
      cache,
    }),
    // Columns are typed arrays: moved between threads, not copied.
    new Task(`parse_${id}`, workerTask(TASKS, 'parse'), {
      dependencies: [asArg(`generate_${id}`)],
      transferResult: true,
      cache,
    }),
    new Task(`transform_${id}`, workerTask(TASKS, 'transform'), {
      dependencies: [asArg(`parse_${id}`)],
      transferResult: true,
      cache,
    }),
    new Task(`aggregate_${id}`, workerTask(TASKS, 'aggregate'), { dependencies: [asArg(`transform_${id}`)], cache }),
    new Task(`compress_${id}`, workerTask(TASKS, 'compress'), { dependencies: [asArg(`generate_${id}`)], cache }),
  ]);

  return new Process(
    [
      ...perShard,
      new Task('combine', combine, { dependencies: ids.map((id) => asArg(`aggregate_${id}`)), cache }),
      new Task('archive', archive, { dependencies: ids.map((id) => asArg(`compress_${id}`)), cache }),
      new Task(
        'summarise',
        (found: { totals: ReturnType<typeof combine>; sizes: ReturnType<typeof archive> }): EtlSummary => {
          const summaryPath = join(outDir, 'summary.json');
          const summary = { ...found.totals, ...found.sizes, summaryPath };
          writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
          return summary;
        },
        { dependencies: [asKwarg('combine', 'totals'), asKwarg('archive', 'sizes')] },
      ),
    ],
    { name: 'orders-etl' },
  );
}

/** The options from the environment (ETL_SIZE_MB, ETL_SHARDS, ETL_OUT_DIR), for the CLI. */
export function etlOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EtlOptions {
  return {
    sizeMb: positive(env['ETL_SIZE_MB'], 'ETL_SIZE_MB') ?? ETL_DEFAULTS.sizeMb,
    shards: positive(env['ETL_SHARDS'], 'ETL_SHARDS', true) ?? ETL_DEFAULTS.shards,
    outDir: env['ETL_OUT_DIR'] || ETL_DEFAULTS.outDir,
  };
}

/** A positive number (a whole one when `integer`), or undefined when not given. */
export function positive(value: string | undefined, name: string, integer = false): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'whole number' : 'number'}, got "${value}"`);
  }
  return number;
}

/** For `processes run|validate|graph dist/etl-pipeline.js`: the pipeline, sized from the environment. */
export const pipeline = (): Process => createEtlPipeline(etlOptionsFromEnv());
