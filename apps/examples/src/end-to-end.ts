// The Python library's end-to-end example: fetch two sources in parallel, transform,
// aggregate, then a notifier that always fails next to a sibling that still
// runs. Every task logs to its own file under logs/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Process, Task, TaskDependency, taskContext } from 'processes-js';

const LOG_DIR = join(process.cwd(), 'logs');
mkdirSync(LOG_DIR, { recursive: true });

interface Order {
  orderId: number;
  amount: number;
}
interface StockItem {
  sku: string;
  qty: number;
}

// --- 1. Two independent "fetch" tasks that run in parallel -----------------
async function fetchOrders(): Promise<Order[]> {
  taskContext().log.info('querying orders API');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return [
    { orderId: 1, amount: 42.0 },
    { orderId: 2, amount: 17.5 },
  ];
}

async function fetchInventory(): Promise<StockItem[]> {
  taskContext().log.info('querying inventory API');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return [
    { sku: 'A-1', qty: 12 },
    { sku: 'B-2', qty: 3 },
  ];
}

// --- 2. Two transforms that consume the upstream results -------------------
function totalRevenue(orders: Order[]): number {
  const total = orders.reduce((sum, order) => sum + order.amount, 0);
  taskContext().log.info({ total }, 'revenue computed');
  return total;
}

function stockValue(options: { inventory: StockItem[]; pricePerUnit?: number }): number {
  const value = options.inventory.reduce((sum, item) => sum + item.qty, 0) * (options.pricePerUnit ?? 10);
  taskContext().log.info({ value }, 'stock value');
  return value;
}

// --- 3. An aggregator that joins the two branches --------------------------
function buildReport(options: { revenue: number; stock: number }): string {
  return `daily-report | revenue=${options.revenue.toFixed(2)} stock=${options.stock.toFixed(2)}`;
}

// --- 4. A flaky notifier that ALWAYS fails, to show fault isolation --------
function notifySlack(_report: string): never {
  throw new Error('slack webhook returned 503');
}

// --- 5. A sibling that does NOT depend on the notifier and still runs ------
function archiveReport(report: string): string {
  const out = join(LOG_DIR, 'report.txt');
  writeFileSync(out, report);
  return out;
}

const log = (name: string) => join(LOG_DIR, `${name}.log`);
const asArg = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });
const asKwarg = (name: string, kwarg: string) =>
  new TaskDependency(name, { useResultAsAdditionalKwargs: true, additionalKwargName: kwarg });

const tasks = [
  new Task('fetch_orders', fetchOrders, { logPath: log('fetch_orders') }),
  new Task('fetch_inventory', fetchInventory, { logPath: log('fetch_inventory') }),
  new Task('compute_revenue', totalRevenue, { logPath: log('compute_revenue'), dependencies: [asArg('fetch_orders')] }),
  new Task('compute_stock', stockValue, {
    logPath: log('compute_stock'),
    kwargs: { pricePerUnit: 7.25 },
    dependencies: [asKwarg('fetch_inventory', 'inventory')],
  }),
  new Task('build_report', buildReport, {
    logPath: log('build_report'),
    dependencies: [asKwarg('compute_revenue', 'revenue'), asKwarg('compute_stock', 'stock')],
  }),
  // notify_slack fails on purpose. archive_report is its sibling (both depend
  // on build_report), so it does not depend on the failed task and runs.
  new Task('notify_slack', notifySlack, { logPath: log('notify_slack'), dependencies: [asArg('build_report')] }),
  new Task('archive_report', archiveReport, { logPath: log('archive_report'), dependencies: [asArg('build_report')] }),
];

await using pipeline = new Process(tasks, { name: 'daily-report' });
const report = await pipeline.run({
  parallel: true,
  onEvent: (event) => {
    if (event.type === 'task:succeeded') console.log(`  ok     ${event.taskName} (${event.elapsedMs.toFixed(1)} ms)`);
    if (event.type === 'task:failed') console.log(`  FAILED ${event.taskName}: ${event.error.message}`);
    if (event.type === 'task:skipped') console.log(`  skip   ${event.taskName} (because ${event.because} failed)`);
  },
});

console.log('passed:', [...report.successes.keys()].sort().join(', '));
console.log('failed:', [...report.errored.keys(), ...report.skipped.keys()].sort().join(', '));
console.log('report:', report.successes.get('build_report')?.result);
console.log('logs:  ', LOG_DIR);
// The failing notifier is the point of this example; anything else failing is not.
if ([...report.errored.keys()].join() !== 'notify_slack' || report.successes.size !== 6) process.exitCode = 1;
