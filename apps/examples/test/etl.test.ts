import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = new URL('../dist/', import.meta.url);
const cli = new URL('../node_modules/processes-cli/bin/processes.js', import.meta.url).pathname;

/** Output directories of the runs: megabytes of CSV each. */
const outputs: string[] = [];
function outputDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'processes-etl-'));
  outputs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of outputs) rmSync(dir, { recursive: true, force: true });
});

describe('the ETL example', () => {
  it('runs the pipeline in parallel and sequentially, prints the speed-up and writes the HTML report', async () => {
    const out = outputDir();
    const { stdout } = await run(
      process.execPath,
      [new URL('etl.js', dist).pathname, '--size', '2', '--shards', '4', '--out', out],
      { timeout: 60_000 },
    );
    expect(stdout).toContain(`ETL example: 2 MiB of order CSV in 4 shards, in ${out}`);
    expect(stdout).toMatch(/ {2}parallel +[\d.]+ s {2}\([\d.]+ s of CPU, [\d.]+ CPUs busy; 23 tasks, all succeeded\)/);
    expect(stdout).toMatch(
      / {2}sequential +[\d.]+ s {2}\([\d.]+ s of CPU, [\d.]+ CPUs busy; 23 tasks, all succeeded\)/,
    );
    expect(stdout).toMatch(/speed-up: [\d.]+× with \d+ CPUs?/);
    expect(stdout).toContain('same results both ways: yes');
    expect(stdout).toMatch(/gzip: 2\.0 MiB → [\d.]+ MiB/);
    expect(stdout).toContain(`HTML report: ${join(out, 'etl-report.html')}`);

    const html = readFileSync(join(out, 'etl-report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('orders-etl');
    expect(html).toContain('compress_03');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.rows).toBeGreaterThan(30_000);
    expect(Object.keys(summary.revenueByRegion)).toEqual(['central', 'east', 'north', 'south', 'west']);
    for (let shard = 0; shard < 4; shard++) expect(existsSync(join(out, `orders-00${shard}.csv.gz`))).toBe(true);
  });

  it('generates the same data set on every run', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(async () => {
        const out = outputDir();
        await run(process.execPath, [new URL('etl.js', dist).pathname, '--size', '1', '--shards', '2', '--out', out], {
          timeout: 60_000,
        });
        return readFileSync(join(out, 'summary.json'), 'utf8').replace(/"summaryPath": ".*"/, '');
      }),
    );
    expect(a).toBe(b);
  });

  it('is a pipeline file the processes CLI runs too', async () => {
    const out = outputDir();
    const { stdout } = await run(process.execPath, [cli, 'run', new URL('etl-pipeline.js', dist).pathname], {
      env: { ...process.env, ETL_SIZE_MB: '1', ETL_SHARDS: '2', ETL_OUT_DIR: out, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/orders-etl: 13 tasks · 13 succeeded/);
  });
});
