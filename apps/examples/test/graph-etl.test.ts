import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = new URL('../dist/graph-etl.js', import.meta.url).pathname;
const outputs: string[] = [];
afterAll(() => {
  for (const dir of outputs) rmSync(dir, { recursive: true, force: true });
});

async function graphEtl(...args: string[]): Promise<{ stdout: string; out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'processes-graph-etl-'));
  outputs.push(out);
  const { stdout } = await run(process.execPath, [script, '--out', out, ...args], { timeout: 60_000 });
  return { stdout, out };
}

describe('the graph ETL example', () => {
  it('maps over the files, writes through a 2-slot pool, cleans up, and raises no alert when all is well', async () => {
    const { stdout, out } = await graphEtl('--files', '10');
    expect(stdout).toContain('files: 10, parsed: 10, failed to parse: none');
    expect(stdout).toContain('rows written: {"rows":2000}');
    expect(stdout).toMatch(/most database writes at once: [12] \(pool "db" has 2 slots\)/);
    expect(stdout).toContain('database lines: 10');
    expect(stdout).toContain('cleanup: staging removed');
    expect(stdout).toContain('alert: skipped (anyFailed: nothing failed)');
    expect(readdirSync(out).filter((name) => name.startsWith('staging-'))).toEqual([]);
    const doc = JSON.parse(readFileSync(join(out, 'graph-etl-report.json'), 'utf8'));
    expect(doc.entries.parse.map).toMatchObject({ source: 'list_files', items: 10, failed: 0 });
    expect(doc.entries.write.pool).toEqual({ name: 'db', slots: 1 });
    expect(doc.entries.write.items).toHaveLength(10);
  });

  it('when a file fails to parse: skips the load, still cleans up, and alerts', async () => {
    const { stdout, out } = await graphEtl('--files', '6', '--corrupt', '1');
    expect(stdout).toContain('files: 6, parsed: 5, failed to parse: 0');
    expect(stdout).toContain('rows written: null');
    expect(stdout).toContain('database lines: 0');
    expect(stdout).toContain('cleanup: staging removed');
    expect(stdout).toContain('ALERT: parse failed');
    const doc = JSON.parse(readFileSync(join(out, 'graph-etl-report.json'), 'utf8'));
    expect(doc.entries.parse.items[0].error.exception).toContain('orders-000.csv: line 19 is not "id,quantity,price"');
    expect(doc.entries.write.skip).toEqual({ rule: 'allSuccess', upstream: ['parse'] });
  });

  it('with --allow-partial passes the good files on and writes them', async () => {
    const { stdout, out } = await graphEtl('--files', '6', '--corrupt', '2', '--allow-partial');
    expect(stdout).toContain('files: 6, parsed: 4, failed to parse: 0, 1');
    expect(stdout).toContain('rows written: {"rows":800}');
    expect(stdout).toContain('database lines: 4');
    expect(stdout).toContain('cleanup: staging removed');
    expect(stdout).toContain('alert: skipped (anyFailed: nothing failed)');
    expect(existsSync(join(out, 'graph-etl-report.json'))).toBe(true);
  });
});
