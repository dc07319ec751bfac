// The graph ETL example's worker task: parse one CSV file of orders. A plain
// function of its argument, run on a worker thread once per file.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** One file's orders, totalled. */
export interface ParsedFile {
  readonly file: string;
  readonly rows: number;
  readonly revenue: number;
}

export function parseOrders(path: string): ParsedFile {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  let revenue = 0;
  lines.forEach((line, i) => {
    const [, quantity, price] = line.split(',');
    const amount = Number(quantity) * Number(price);
    if (!Number.isFinite(amount))
      throw new Error(`${basename(path)}: line ${i + 2} is not "id,quantity,price": ${line}`);
    revenue += amount;
  });
  return { file: basename(path), rows: lines.length, revenue: Math.round(revenue * 100) / 100 };
}
