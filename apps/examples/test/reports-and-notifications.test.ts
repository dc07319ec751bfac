import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = new URL('../dist/reports-and-notifications.js', import.meta.url).pathname;

async function runExample(env: Record<string, string> = {}): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'processes-example-'));
  const { SEND_NOTIFICATIONS: _unset, ...inherited } = process.env;
  const { stdout } = await run(process.execPath, [example], { cwd, env: { ...inherited, ...env }, timeout: 60_000 });
  return stdout;
}

describe('reports-and-notifications', () => {
  it('triages the report: the payment step errored after 3 attempts, shipping skipped, the archive ran', async () => {
    const out = await runExample();
    expect(out).toContain('orders-pipeline: 3 succeeded, 1 errored, 1 skipped');
    expect(out).toMatch(/errored +charge_payments +attempts=3/);
    expect(out).toMatch(/skipped +ship_orders +attempts=0/);
    expect(out).toMatch(/success +archive_logs +attempts=1/);
    expect(out).toContain('skipped: ship_orders (because charge_payments errored)');
    expect(out).toMatch(/JSON: \d+ bytes, schema version 2, round trip ok/);
    // Offline by default: it only describes the notifications.
    expect(out).toContain('Notifications (offline)');
    expect(out).toContain('only charge_payments would be sent.');
  });

  it('with SEND_NOTIFICATIONS=1 emails a local SMTP capture server, which parses the message', async () => {
    const out = await runExample({ SEND_NOTIFICATIONS: '1' });
    expect(out).toMatch(/started SMTP capture server at 127\.0\.0\.1:\d+/);
    expect(out).toContain('outcome: EmailChannel sent=true');
    expect(out).toMatch(/Subject: Failed Tasks in Process orders-pipeline \| \d{8}/);
    expect(out).toContain('From: "Orders pipeline" <pipelines@example.test> · To: oncall@example.test');
    expect(out).toMatch(/parts: text \(\d+ chars\) \+ HTML \(\d+ chars\)/);
  });

  it('with SEND_NOTIFICATIONS=1 delivers to a local webhook receiver that verifies the signature', async () => {
    const out = await runExample({ SEND_NOTIFICATIONS: '1' });
    expect(out).toMatch(/started webhook receiver at http:\/\/127\.0\.0\.1:\d+\/incoming/);
    expect(out).toContain('outcome: WebhookChannel sent=true');
    expect(out).toMatch(/POST \/incoming · signature verified · delivery [\w-]+/);
    expect(out).toContain('process_name: orders-pipeline');
    // Only the errored entry is sent, with what it skipped.
    expect(out).toContain(
      'charge_payments: errored after 3 attempt(s) · Error: payment gateway reset the connection while charging 43.00 · skipped because of it: ship_orders',
    );
    expect(out).not.toMatch(/ {4}(fetch_inventory|archive_logs):/);
  });
});
