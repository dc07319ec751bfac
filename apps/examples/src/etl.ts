// A CPU-heavy ETL job: generate a data set of order CSV (32 MiB by default),
// then parse, transform, aggregate and gzip it on worker threads. The same
// pipeline runs in parallel and then sequentially; the example prints the
// speed-up and writes an HTML report of the parallel run.
//
//   npx -y pnpm@10 example                                 (from the repository root)
//   node dist/etl.js --size 128 --shards 16 --out ./etl-out
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from 'processes-cli';
import type { ProcessExecutionReport, RunEvent } from 'processes-js';
import { createEtlPipeline, ETL_DEFAULTS, type EtlSummary, etlOptionsFromEnv, positive } from './etl-pipeline.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string' },
    shards: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: node dist/etl.js [--size <MiB>] [--shards <n>] [--out <dir>]

  --size    size of the generated CSV data set in MiB (default ${ETL_DEFAULTS.sizeMb}; env ETL_SIZE_MB)
  --shards  files the data set is split into (default ${ETL_DEFAULTS.shards}; env ETL_SHARDS)
  --out     output directory (default ${ETL_DEFAULTS.outDir}; env ETL_OUT_DIR)`);
  process.exit(0);
}
const fromEnv = etlOptionsFromEnv();
const options = {
  sizeMb: positive(values.size, '--size') ?? fromEnv.sizeMb,
  shards: positive(values.shards, '--shards', true) ?? fromEnv.shards,
  outDir: resolve(values.out ?? fromEnv.outDir),
};
const cpus = availableParallelism();

console.log(`ETL example: ${options.sizeMb} MiB of order CSV in ${options.shards} shards, in ${options.outDir}`);
console.log(`${cpus} CPU${cpus === 1 ? '' : 's'} available: the parallel run uses up to ${cpus} worker threads.\n`);

await using pipeline = createEtlPipeline(options);

/**
 * Runs the pipeline once and measures its wall time and the CPU time of the
 * whole process (all threads); on a terminal, a counter of finished tasks.
 */
async function timedRun(
  label: string,
  parallel: boolean,
): Promise<{ report: ProcessExecutionReport; ms: number; busyCpus: number }> {
  const total = pipeline.tasks.length;
  let done = 0;
  const onEvent = (event: RunEvent): void => {
    if (event.type !== 'task:succeeded' && event.type !== 'task:failed' && event.type !== 'task:skipped') return;
    done += 1;
    if (process.stdout.isTTY) process.stdout.write(`\r  ${label}: ${done}/${total} tasks`);
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const report = await pipeline.run({ parallel, maxWorkers: cpus, onEvent });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
  const outcome = report.ok ? 'all succeeded' : `${report.errored.size} errored`;
  console.log(
    `  ${label.padEnd(10)} ${(ms / 1000).toFixed(2).padStart(6)} s  (${(cpuMs / 1000).toFixed(2)} s of CPU, ${(cpuMs / ms).toFixed(1)} CPUs busy; ${total} tasks, ${outcome})`,
  );
  return { report, ms, busyCpus: cpuMs / ms };
}

const parallel = await timedRun('parallel', true);
const sequential = await timedRun('sequential', false);

for (const { report } of [parallel, sequential]) {
  for (const [name, entry] of report.errored)
    console.error(`errored: ${name}: ${entry.error?.errorName}: ${entry.error?.exception}`);
}
if (!parallel.report.ok || !sequential.report.ok) {
  process.exitCode = 1;
} else {
  const summary = parallel.report.successes.get('summarise')?.result as EtlSummary;
  const again = sequential.report.successes.get('summarise')?.result as EtlSummary;
  const same = JSON.stringify(summary) === JSON.stringify(again);
  if (!same) process.exitCode = 1;

  console.log(
    `\nspeed-up: ${(sequential.ms / parallel.ms).toFixed(2)}× with ${cpus} CPUs (sequential ÷ parallel wall time)`,
  );
  // CPU time over wall time is how many CPUs the run really had: its independent shards could
  // keep them all busy, so fewer means other work was using them.
  if (cpus > 1 && parallel.busyCpus < 0.75 * cpus) {
    console.log(
      `note: the parallel run kept only ${parallel.busyCpus.toFixed(1)} of ${cpus} CPUs busy: other work (other programs, or other virtual machines on the host) had the rest, which lowers the speed-up.`,
    );
  }
  console.log(`same results both ways: ${same ? 'yes' : 'NO'}\n`);

  const euros = (n: number): string => n.toLocaleString('en-US', { style: 'currency', currency: 'EUR' });
  console.log(
    `orders: ${summary.rows.toLocaleString('en-US')} (${summary.refunds.toLocaleString('en-US')} refunded, ${summary.cancelled.toLocaleString('en-US')} cancelled, ${summary.outliers} price outliers left out)`,
  );
  console.log('net revenue by region:');
  for (const [region, revenue] of Object.entries(summary.revenueByRegion)) {
    console.log(`  ${region.padEnd(8)} ${euros(revenue).padStart(18)}`);
  }
  console.log(
    `top SKUs: ${summary.topSkus
      .slice(0, 3)
      .map(({ sku, revenue }) => `${sku} ${euros(revenue)}`)
      .join(', ')}`,
  );
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    `gzip: ${mb(summary.csvBytes)} → ${mb(summary.compressedBytes)} (${((100 * summary.compressedBytes) / summary.csvBytes).toFixed(1)}%)`,
  );
  console.log(`summary: ${summary.summaryPath}`);
}

const htmlPath = join(options.outDir, 'etl-report.html');
const jsonPath = join(options.outDir, 'etl-report.json');
writeFileSync(htmlPath, renderHtml(parallel.report));
writeFileSync(jsonPath, `${JSON.stringify(parallel.report, null, 2)}\n`);
console.log(`\nHTML report: ${htmlPath}`);
console.log(`JSON report: ${jsonPath}`);
