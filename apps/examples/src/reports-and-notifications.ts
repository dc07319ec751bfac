// The Python library's third example: an orders pipeline whose payment step fails
// (after retrying a transient network error twice), which skips shipping,
// while the unrelated archive step keeps running. Instead of alerting from
// inside each task, it triages the run's report and delivers one
// notification for the whole run.
//
//   [1] fetch_inventory ─→ [2] enrich_pricing ─→ [3] charge_payments ─✗─→ [4] ship_orders (skipped)
//   [5] archive_logs   (independent, keeps running)
//
// Offline by default: it only describes the notifications. With
// SEND_NOTIFICATIONS=1 it starts local receivers on 127.0.0.1 and delivers
// to them, then prints what they received.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Process, ProcessExecutionReport, Task, TaskDependency } from 'processes-js';
import type { ReceiverKind } from './local-receiver.js';
import { startSmtpReceiver } from './local-smtp-receiver.js';
import { startWebhookReceiver } from './local-webhook-receiver.js';

const LOG_DIR = join(process.cwd(), 'logs');
mkdirSync(LOG_DIR, { recursive: true });

interface Item {
  sku: string;
  qty: number;
  price?: number;
}

function fetchInventory(): Item[] {
  return [
    { sku: 'A-1', qty: 2 },
    { sku: 'B-2', qty: 1 },
  ];
}

function enrichPricing(items: Item[]): Item[] {
  const prices: Record<string, number> = { 'A-1': 9.5, 'B-2': 24 };
  return items.map((item) => ({ ...item, price: prices[item.sku] ?? 0 }));
}

// The payment gateway resets the connection every time: a transient error by
// its code, so it is retried (twice), and then the task is declared failed.
function chargePayments(items: Item[]): number {
  const total = items.reduce((sum, item) => sum + item.qty * (item.price ?? 0), 0);
  throw Object.assign(new Error(`payment gateway reset the connection while charging ${total.toFixed(2)}`), {
    code: 'ECONNRESET',
  });
}

function shipOrders(): string {
  return 'shipped';
}

function archiveLogs(): string {
  return LOG_DIR;
}

const asArg = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

const tasks = [
  new Task('fetch_inventory', fetchInventory, { logPath: join(LOG_DIR, 'orders.log') }),
  new Task('enrich_pricing', enrichPricing, {
    logPath: join(LOG_DIR, 'orders.log'),
    dependencies: [asArg('fetch_inventory')],
  }),
  new Task('charge_payments', chargePayments, {
    logPath: join(LOG_DIR, 'charge.log'),
    dependencies: [asArg('enrich_pricing')],
    retries: 2,
    retryOn: ['ECONNRESET'],
    retryDelayMs: 20,
  }),
  new Task('ship_orders', shipOrders, { logPath: join(LOG_DIR, 'orders.log'), dependencies: ['charge_payments'] }),
  new Task('archive_logs', archiveLogs, { logPath: join(LOG_DIR, 'archive.log') }),
];

// --- Naming the process and running it ---------------------------------------
await using pipeline = new Process(tasks, { name: 'orders-pipeline' });
const report = await pipeline.run({ parallel: false });

// --- Triaging the report -------------------------------------------------------
console.log(
  `${report.processName}: ${report.successes.size} succeeded, ${report.errored.size} errored, ${report.skipped.size} skipped`,
);
for (const [name, entry] of report.entries) {
  console.log(
    `  ${entry.status.padEnd(8)} ${name.padEnd(16)} attempts=${entry.attempts}  ${entry.elapsedMs.toFixed(1)} ms`,
  );
}
for (const [name, entry] of report.errored) {
  console.log(
    `errored: ${name}: ${entry.error?.errorName}: ${entry.error?.exception} (after ${entry.attempts} attempts)`,
  );
}
for (const [name, entry] of report.skipped) console.log(`skipped: ${name} (because ${entry.skippedBecause} errored)`);

// Lossless serialisation: the JSON document reads back into an equal report.
const json = JSON.stringify(report);
const again = ProcessExecutionReport.fromJSON(json);
console.log(
  `JSON: ${json.length} bytes, schema version ${report.toJSON().schema_version}, round trip ${again.errored.get('charge_payments')?.attempts === 3 ? 'ok' : 'MISMATCH'}`,
);

// --- Delivering the report -----------------------------------------------------
// Each local receiver brings its own channel; adding a destination is one more entry here.
const receivers: ReceiverKind[] = [
  {
    what: 'an SMTP capture server on 127.0.0.1 that parses the email it receives',
    start: startSmtpReceiver,
  },
  {
    what: 'a webhook receiver on 127.0.0.1 that checks the HMAC-SHA256 signature',
    start: () => startWebhookReceiver('s3cr3t'),
  },
];
const notifyOptions = { onlyErrors: true } as const;

console.log('');
if (process.env['SEND_NOTIFICATIONS'] !== '1') {
  console.log('Notifications (offline): with SEND_NOTIFICATIONS=1 this example starts');
  for (const receiver of receivers) console.log(`  - ${receiver.what}`);
  console.log(`and sends the report through each with notify(channels, ${JSON.stringify(notifyOptions)}):`);
  console.log(`  only ${[...report.errored.keys()].join(', ')} would be sent.`);
} else {
  const started = await Promise.all(receivers.map((receiver) => receiver.start()));
  try {
    for (const receiver of started) console.log(`started ${receiver.description}`);
    const outcomes = await report.notify(
      started.map((receiver) => receiver.channel),
      notifyOptions,
    );
    for (const outcome of outcomes) {
      console.log(
        `outcome: ${outcome.channel} ${outcome.ok ? `sent=${outcome.sent}` : `FAILED: ${outcome.error.message}`}`,
      );
    }
    for (const receiver of started) {
      console.log(`received by the ${receiver.description}:`);
      for (const line of receiver.received()) console.log(`  ${line}`);
    }
    if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
  } finally {
    await Promise.all(started.map((receiver) => receiver.close()));
  }
}

// The failing payment step is the point of this example; anything else failing is not.
if ([...report.errored.keys()].join() !== 'charge_payments' || report.successes.size !== 3) process.exitCode = 1;
