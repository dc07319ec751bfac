// Writes docs/benchmarks.md's results from one `--json` run, so the doc can
// never drift from what the benchmark prints.
//   node dist/doc.js [results.json]   (without a file: runs the full benchmark first)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './measure.js';

interface RunJson {
  readonly date: string;
  readonly quick: boolean;
  readonly node: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly platform: string };
  readonly load?: string;
  readonly results: readonly BenchResult[];
  readonly failedChecks: readonly string[];
}

const DOC = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
const RUN = fileURLToPath(new URL('./run.js', import.meta.url));
const START = '<!-- bench:results:start (written by `pnpm bench:doc`; do not edit by hand) -->';
const END = '<!-- bench:results:end -->';

const file = process.argv[2];
const json = file
  ? readFileSync(file, 'utf8')
  : execFileSync(process.execPath, ['--expose-gc', RUN, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
const run = JSON.parse(json) as RunJson;

const cell = (text: string) => text.replaceAll('|', '\\|');
const value = (r: BenchResult) => `${r.value}${r.unit === 'x' ? 'x' : ` ${r.unit}`}`;
const rows = run.results.map(
  (r) =>
    `| ${r.scope} | **${value(r)}** | ${cell(r.target)} | ${r.target === 'report' ? '-' : r.meetsTarget ? 'yes' : 'no'} | ${cell(r.figure)} | ${cell(r.baseline)} |`,
);
const section = [
  START,
  '',
  `Run on ${run.date.slice(0, 16).replace('T', ' ')} UTC${run.quick ? ' (quick sizes)' : ''}, Node ${run.node}, ${run.machine.cpu} (${run.machine.cores} cores, ${run.machine.platform})${run.load ? `, load average ${run.load}` : ''}; defaults (traced-variables capture on):`,
  '',
  '| scope | result | target | met | figure | baseline |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  run.failedChecks.length > 0
    ? `Failed functional checks: ${run.failedChecks.join(', ')}.`
    : 'Every functional check passed.',
  '',
  END,
].join('\n');

const doc = readFileSync(DOC, 'utf8');
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`docs/benchmarks.md has no ${START} … ${END} section`);
writeFileSync(DOC, doc.slice(0, from) + section + doc.slice(to + END.length));
console.log(`docs/benchmarks.md: ${run.results.length} results from ${run.date}`);
