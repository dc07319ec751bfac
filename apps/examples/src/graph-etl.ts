// An ETL over a directory of files that uses the richer graph (docs/graph.md):
// `parse` is mapped over the files (one attempt per file, on worker threads),
// `write` is mapped over the parsed files and limited to two concurrent
// database writes by a pool, `cleanup` removes the staging directory with
// `runIf: 'allDone'` (also after a failure), and `alert` runs only when
// something failed (`anyFailed`).
//
//   node dist/graph-etl.js [--files 12] [--corrupt 0] [--allow-partial] [--out ./graph-etl-out]
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Process, Task, TaskDependency, taskContext, workerTask } from 'processes-js';
import type { ParsedFile } from './graph-etl-tasks.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '12' },
    corrupt: { type: 'string', default: '0' },
    out: { type: 'string', default: './graph-etl-out' },
    'allow-partial': { type: 'boolean', default: false },
  },
});
const fileCount = Number(values.files);
const corrupt = Number(values.corrupt);
const outDir = resolve(values.out);
mkdirSync(outDir, { recursive: true });
const database = join(outDir, 'orders-db.ndjson');
rmSync(database, { force: true });

const asArg = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });
let writing = 0;
let mostWritesAtOnce = 0;

const tasks = [
  // Extract: stage the input files (here, generated) and list them.
  new Task('list_files', () => {
    const staging = mkdtempSync(join(outDir, 'staging-'));
    return Array.from({ length: fileCount }, (_, i) => {
      const path = join(staging, `orders-${String(i).padStart(3, '0')}.csv`);
      const rows = Array.from(
        { length: 200 },
        (_, r) => `${i * 1000 + r},${1 + (r % 5)},${(9.99 + (r % 7)).toFixed(2)}`,
      );
      if (i < corrupt) rows[17] = 'not,a,number';
      writeFileSync(path, `id,quantity,price\n${rows.join('\n')}\n`);
      return path;
    });
  }),
  // Transform: one attempt per file on the worker pool, at most 4 files at once.
  new Task('parse', workerTask(new URL('./graph-etl-tasks.js', import.meta.url), 'parseOrders'), {
    map: 'list_files',
    dependencies: ['list_files'],
    maxParallel: 4,
    // With --allow-partial, files that fail to parse are left out and the rest go on.
    allowPartial: values['allow-partial'],
  }),
  // Load: one write per parsed file, at most two at once (the database's connection limit).
  new Task(
    'write',
    async (parsed: ParsedFile | undefined) => {
      if (parsed === undefined) return 0; // a file that failed to parse (allowPartial passes a hole)
      writing++;
      mostWritesAtOnce = Math.max(mostWritesAtOnce, writing);
      await sleep(5); // the database round trip
      appendFileSync(database, `${JSON.stringify(parsed)}\n`);
      writing--;
      return parsed.rows;
    },
    { map: 'parse', dependencies: ['parse'], pool: 'db' },
  ),
  new Task('summary', (rows: number[]) => ({ rows: rows.reduce((a, b) => a + b, 0) }), {
    dependencies: [asArg('write')],
  }),
  // Whatever happened, remove the staging directory.
  new Task(
    'cleanup',
    (files: string[] | undefined) => {
      const staging = files?.[0] ? resolve(files[0], '..') : undefined;
      if (staging) rmSync(staging, { recursive: true, force: true });
      return staging ? 'staging removed' : 'nothing staged';
    },
    { dependencies: [asArg('list_files'), 'summary'], runIf: 'allDone' },
  ),
  // Only when something failed: say what.
  new Task(
    'alert',
    () => {
      const { upstream } = taskContext();
      const failed = Object.entries(upstream ?? {}).filter(([, state]) => state.status === 'errored');
      return `ALERT: ${failed.map(([name]) => name).join(', ')} failed`;
    },
    { dependencies: ['parse', 'write', 'summary'], runIf: 'anyFailed' },
  ),
];

await using pipeline = new Process(tasks, { name: 'graph-etl', pools: { db: 2 } });
const report = await pipeline.run({ parallel: true, maxWorkers: 8 });

const parse = report.entries.get('parse');
console.log(
  `files: ${fileCount}, parsed: ${(parse?.map?.items ?? 0) - (parse?.map?.failed ?? 0)}, failed to parse: ${parse?.map?.failedIndices.join(', ') || 'none'}`,
);
console.log(`rows written: ${JSON.stringify(report.entries.get('summary')?.result ?? null)}`);
console.log(`most database writes at once: ${mostWritesAtOnce} (pool "db" has 2 slots)`);
const written = existsSync(database) ? readFileSync(database, 'utf8').trim().split('\n').length : 0;
console.log(`database lines: ${written}`);
console.log(`cleanup: ${report.entries.get('cleanup')?.result}`);
const alert = report.entries.get('alert');
console.log(
  alert?.status === 'success' ? String(alert.result) : `alert: skipped (${alert?.skip?.rule}: nothing failed)`,
);
writeFileSync(join(outDir, 'graph-etl-report.json'), JSON.stringify(report, null, 2));
console.log(`report: ${join(outDir, 'graph-etl-report.json')}`);
