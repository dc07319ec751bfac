// Renders the sample report below in each palette, opens it in Debian's
// chromium (/usr/bin/chromium) and saves a full-page screenshot to
// docs/report-<palette>.png. Run after a build:
//   npx -y pnpm@10 --filter @processes/report-screenshots screenshots
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ErrorData, ProcessExecutionReport, type TaskReportEntry } from '@processes/core';
import { PALETTE_NAMES, renderReportHtml } from '@processes/report-html';
import { chromium } from 'playwright-core';

// The header shows local times; pin them so the pictures do not depend on the machine.
process.env['TZ'] = 'UTC';

const T0 = new Date('2026-06-20T02:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

function ran(name: string, fn: string, startMs: number, endMs: number, extra: Partial<TaskReportEntry> = {}) {
  return {
    name,
    function: fn,
    args: [],
    kwargs: {},
    status: 'success',
    elapsedMs: endMs - startMs,
    attempts: 1,
    startedAt: at(startMs),
    finishedAt: at(endMs),
    ...extra,
  } satisfies TaskReportEntry;
}

const failure: ErrorData = {
  taskName: 'charge_payments',
  function: 'chargePayments',
  args: [],
  kwargs: { currency: 'EUR' },
  downstreamImpact: ['ship_orders', 'notify_customers'],
  exception: 'connect ECONNREFUSED 10.0.4.17:443',
  errorName: 'Error',
  traceback: [
    'Error: connect ECONNREFUSED 10.0.4.17:443',
    '    at chargeCard (file:///srv/etl/payments.ts:41:11)',
    '    at chargePayments (file:///srv/etl/payments.ts:18:20)',
  ].join('\n'),
  tracedVars: { batch: '[ { id: 1, amount: 42 }, { id: 2, amount: 17.5 } ]', currency: "'EUR'", attempt: '3' },
  tracedVarsLocation: 'file:///srv/etl/payments.ts:41',
  thrown: { name: 'Error', message: 'connect ECONNREFUSED 10.0.4.17:443', code: 'ECONNREFUSED', classChain: ['Error'] },
};

/** The seed's example 3: the payment step fails after retries, shipping is skipped, archiving still runs. */
const report = new ProcessExecutionReport({
  processName: 'orders-pipeline',
  startedAt: T0,
  finishedAt: at(4_200),
  entries: [
    ran('fetch_inventory', 'fetchInventory', 0, 640),
    ran('fetch_orders', 'fetchOrders', 0, 910),
    ran('archive_logs', 'archiveLogs', 20, 2_650),
    ran('enrich_pricing', 'enrichPricing', 910, 1_980),
    ran('charge_payments', 'chargePayments', 1_980, 4_150, { status: 'errored', attempts: 3, error: failure }),
    {
      name: 'ship_orders',
      function: 'shipOrders',
      args: [],
      kwargs: {},
      status: 'skipped',
      elapsedMs: 0,
      attempts: 0,
      skippedBecause: 'charge_payments',
    },
    {
      name: 'notify_customers',
      function: 'notifyCustomers',
      args: [],
      kwargs: {},
      status: 'skipped',
      elapsedMs: 0,
      attempts: 0,
      skippedBecause: 'charge_payments',
    },
  ],
});

const docs = fileURLToPath(new URL('../../../docs/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'report-screenshots-'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const palette of PALETTE_NAMES) {
    const file = join(work, `${palette}.html`);
    writeFileSync(file, renderReportHtml(report, { palette, content: 'full', date: T0 }));
    const page = await browser.newPage({ viewport: { width: 860, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href);
    const out = join(docs, `report-${palette}.png`);
    await page.screenshot({ path: out, fullPage: true });
    await page.close();
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
