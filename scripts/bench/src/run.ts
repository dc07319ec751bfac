// Benchmarks of processes. Each scenario measures the engine side by side with
// a baseline in the same run and reports a ratio (or a bound), never an
// absolute speed: the machines are small and noisy.
//
//   node --expose-gc dist/run.js [--quick] [--json] [--in-process] [--scope throughput,speedup,...]
//
// With more than one scope, each runs in a Node process of its own (unless
// --in-process): one scope's heap, garbage and JIT feedback would otherwise
// weigh on the next (the warm `main` figure moved by a third with the order).
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { cache } from './cache.js';
import { chain } from './chain.js';
import { construct } from './construct.js';
import { criticalPath } from './critical-path.js';
import { distributedOverhead, distributedSpeedup } from './distributed.js';
import { graph } from './graph.js';
import { main } from './main.js';
import { map } from './map.js';
import type { BenchOptions, BenchResult } from './measure.js';
import { memory } from './memory.js';
import { speedup } from './speedup.js';
import { throughput } from './throughput.js';
import { hardTimeout } from './timeout.js';
import { tracedVars } from './traced-vars.js';
import { transfer } from './transfer.js';

const SCENARIOS: Record<string, (options: BenchOptions) => Promise<BenchResult | BenchResult[]>> = {
  throughput,
  chain,
  main,
  speedup,
  transfer,
  timeout: hardTimeout,
  memory,
  construct,
  graph,
  'traced-vars': tracedVars,
  map,
  'critical-path': criticalPath,
  'distributed-overhead': distributedOverhead,
  'distributed-speedup': distributedSpeedup,
  cache,
};

const { values } = parseArgs({
  // `pnpm bench -- --scope x` passes the `--` along.
  allowPositionals: true,
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    scope: { type: 'string' },
    'in-process': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    `Usage: node --expose-gc dist/run.js [--quick] [--json] [--in-process] [--scope ${Object.keys(SCENARIOS).join(',')}]`,
  );
  process.exit(0);
}

// Scopes reported by another scope's run: capture-cost comes from the throughput runs.
const REPORTED_BY: Record<string, string> = { 'capture-cost': 'throughput' };
const scopes = values.scope
  ? [...new Set(values.scope.split(',').map((s) => REPORTED_BY[s.trim()] ?? s.trim()))]
  : Object.keys(SCENARIOS);
const unknown = scopes.filter((scope) => !(scope in SCENARIOS));
if (unknown.length > 0) {
  console.error(`Unknown scope: ${unknown.join(', ')}. Known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
const isolated = scopes.length > 1 && !values['in-process'];
for (const scope of scopes) {
  if (!values.json) process.stderr.write(`running ${scope}...\n`);
  if (isolated) {
    results.push(...(await inOwnProcess(scope)));
    continue;
  }
  const scenario = SCENARIOS[scope] as (options: BenchOptions) => Promise<BenchResult | BenchResult[]>;
  results.push(...[await scenario({ quick: values.quick })].flat());
}

const failedChecks = results.flatMap((r) =>
  Object.entries(r.checks)
    .filter(([, ok]) => !ok)
    .map(([check]) => `${r.scope}.${check}`),
);

if (values.json) {
  const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, platform: process.platform };
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  const run = { date: new Date().toISOString(), quick: values.quick, node: process.version, machine, load };
  console.log(JSON.stringify({ ...run, results, failedChecks }, null, 2));
} else {
  const rows = results.map((r) => [
    r.scope,
    formatValue(r),
    r.target,
    r.target === 'report' ? '-' : r.meetsTarget ? 'yes' : 'NO',
    r.figure,
    r.baseline,
    Object.entries(r.details)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  ]);
  const header = ['scope', 'result', 'target', 'met', 'figure', 'baseline', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log();
  for (const r of results) console.log(`${r.scope}: ${r.title}`);
  if (failedChecks.length > 0) console.log(`\nFAILED CHECKS: ${failedChecks.join(', ')}`);
}

// Speed figures are reported, not enforced (noisy machines); functional checks are.
process.exitCode = failedChecks.length > 0 ? 1 : 0;

/** Runs one scope in a fresh Node process (same flags) and reads its --json results. */
async function inOwnProcess(scope: string): Promise<BenchResult[]> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--json', '--scope', scope];
  if (values.quick) args.push('--quick');
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // A failed functional check exits 1 with its results printed; anything else has no results.
    ({ stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string });
  }
  if (stderr) process.stderr.write(stderr);
  // The JSON document is the last thing the scope prints; a scenario may print a line before it.
  const start = stdout.search(/^\{$/m);
  if (start < 0) throw new Error(`bench scope ${scope} printed no results:\n${stdout}`);
  return (JSON.parse(stdout.slice(start)) as { results: BenchResult[] }).results;
}

function formatValue(r: BenchResult): string {
  return `${r.value}${r.unit === 'x' ? 'x' : ` ${r.unit}`}`;
}
