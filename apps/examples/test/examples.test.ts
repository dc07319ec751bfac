import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = new URL('../dist/', import.meta.url);

async function runExample(file: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'processes-example-'));
  const { stdout } = await run(process.execPath, [new URL(file, dist).pathname], { cwd, timeout: 60_000 });
  return stdout;
}

describe('examples', () => {
  it('hello-pipeline prints the enriched users', async () => {
    const out = await runExample('hello-pipeline.js');
    expect(out).toContain("name: 'user-3'");
  });

  it('end-to-end isolates the failing notifier and still archives the report', async () => {
    const out = await runExample('end-to-end.js');
    expect(out).toContain('failed: notify_slack');
    expect(out).toContain('archive_report');
    expect(out).toContain('daily-report | revenue=59.50 stock=108.75');
  });
});
