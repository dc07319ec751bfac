// Incremental runs: a checkpointed run fails, is resumed after the fix
// (only what did not succeed runs), and a later run reuses cached results.
// Run it: npx -y pnpm@10 --filter processes-examples incremental (after a build)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, type ProcessExecutionReport, Task, TaskDependency } from 'processes-js';

const work = mkdtempSync(join(tmpdir(), 'processes-incremental-'));
const checkpoint = join(work, 'run.json');
const cacheDir = join(work, 'cache');
const calls: string[] = [];
let gatewayUp = false; // the "bug" of the first run: the price feed is down

const asArgs = (name: string) => new TaskDependency(name, { useResultAsAdditionalArgs: true });

function pipeline(): Process {
  return new Process(
    [
      // Expensive and pure: cached across runs.
      new Task(
        'load_orders',
        (count: number) => {
          calls.push('load_orders');
          return Array.from({ length: count }, (_, i) => ({ id: i + 1, cents: 1000 + i * 250 }));
        },
        { args: [5], cache: true },
      ),
      new Task('fetch_rates', () => {
        calls.push('fetch_rates');
        if (!gatewayUp) throw new Error('price feed unavailable');
        return new Map([['EUR', 0.92]]);
      }),
      new Task(
        'convert',
        (orders: { id: number; cents: number }[], rates: Map<string, number>) => {
          calls.push('convert');
          const rate = rates.get('EUR') ?? 1;
          return orders.map((order) => ({ ...order, eur: Math.round(order.cents * rate) / 100 }));
        },
        { dependencies: [asArgs('load_orders'), asArgs('fetch_rates')], cache: true },
      ),
    ],
    { name: 'incremental-demo' },
  );
}

function show(title: string, report: ProcessExecutionReport): void {
  console.log(`${title}: ran ${calls.splice(0).join(', ') || 'nothing'}`);
  for (const entry of report.entries.values()) {
    const how = entry.reused
      ? `reused (${entry.reused.source})`
      : entry.ranBecause
        ? `ran: ${entry.ranBecause}`
        : 'ran';
    console.log(`  ${entry.name.padEnd(12)} ${entry.status.padEnd(8)} ${how}`);
  }
}

// 1. The first run fails at fetch_rates; its report is checkpointed as it goes.
show('first run', await pipeline().run({ checkpoint, cache: { dir: cacheDir } }));

// 2. The feed is back: resume from the checkpoint file. load_orders is not run again.
gatewayUp = true;
const resumed = await pipeline().run({ resumeFrom: checkpoint, cache: { dir: cacheDir } });
show('resumed', resumed);
console.log('  converted:', JSON.stringify(resumed.entries.get('convert')?.result));

// 3. A fresh run the next day: the cached tasks are reused, fetch_rates (not cached) runs.
show('next run', await pipeline().run({ cache: { dir: cacheDir } }));
