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

  it('email-report sends the failed-tasks report to its own SMTP server and prints what arrived', async () => {
    const out = await runExample('email-report.js');
    expect(out).toContain('outcomes: EmailChannel sent=true');
    expect(out).toContain('From:    "Pipelines" <pipelines@example.test>');
    expect(out).toContain('To:      oncall@example.test');
    expect(out).toContain('Cc:      team@example.test');
    expect(out).toMatch(/Subject: Failed Tasks in Process orders-pipeline \| \d{8}/);
    expect(out).toContain('Type:    multipart/alternative');
    expect(out).toContain('[Error] charge_payments');
    expect(out).toContain('Exception: Error: payment gateway declined 2 charges');
    expect(out).not.toContain('[Success]');
  });

  it('incremental resumes a failed run without redoing what succeeded, then reuses the cache', async () => {
    const out = await runExample('incremental.js');
    expect(out).toContain('first run: ran load_orders, fetch_rates\n');
    expect(out).toContain('resumed: ran fetch_rates, convert\n');
    expect(out).toMatch(/ {2}load_orders {2}success {2}reused \(resume\)/);
    expect(out).toContain('"eur":9.2');
    expect(out).toContain('next run: ran fetch_rates\n');
    expect(out).toMatch(/ {2}convert {6}success {2}reused \(cache\)/);
  });
});
