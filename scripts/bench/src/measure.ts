import { performance } from 'node:perf_hooks';

/** One benchmark's outcome, as printed in the table and the JSON. */
export interface BenchResult {
  /** Short id, also the `--scope` name. */
  readonly scope: string;
  /** What was measured, in words. */
  readonly title: string;
  /** The headline figure (a ratio, a duration, a percentage). */
  readonly value: number;
  readonly unit: 'x' | 'ms' | '%' | 'tasks/s';
  /** The engine's own measurement behind the headline, with its unit (e.g. `27973 tasks/s`). */
  readonly figure: string;
  /** What it is compared with, measured in the same run (e.g. `raw piscina 28994 tasks/s`). */
  readonly baseline: string;
  /** The figure the design asks for, e.g. `>= 0.8`. */
  readonly target: string;
  readonly meetsTarget: boolean;
  /** Functional checks the scenario made (the next task ran, no thread left…); any false fails the run. */
  readonly checks: Readonly<Record<string, boolean>>;
  /** The raw measurements behind the figure. */
  readonly details: Readonly<Record<string, number | string>>;
}

export interface BenchOptions {
  /** Small sizes for a smoke run in CI (seconds, not minutes). */
  readonly quick: boolean;
}

export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `work` `times` times and returns the median duration. */
export async function medianMs(times: number, work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push((await timed(work)).ms);
  return median(samples);
}

/** Heap in use after a full collection (needs `node --expose-gc`). */
export function settledHeapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmarks with `node --expose-gc` (the bench script does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
