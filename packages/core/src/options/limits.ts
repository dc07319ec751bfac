import { availableParallelism } from 'node:os';

/**
 * The longest a Node.js timer can wait (2^31 - 1 ms, about 24.8 days): a
 * longer one fires after 1 ms instead, with a TimeoutOverflowWarning. Every
 * option that ends up in a timer is bounded by it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** How {@link MAX_TIMER_MS} reads in messages. */
export const MAX_TIMER_EXPECTED: string = `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node.js timer can wait)`;

/**
 * The range of each `WorkerPool({ resourceLimits })` field a worker thread
 * survives, in MB. Found by experiment on Node 20 (x64), starting a pool
 * thread and running one task in a child process for each value:
 * - `stackSizeMb` 0.25 or less: the thread overflows its stack while it
 *   starts, and below 0.2 V8 aborts the whole process (exit 6); from about
 *   1e5 the thread cannot be created (EAGAIN) and the pool's teardown throws.
 * - `maxOldGenerationSizeMb` below 8: the thread runs out of heap while it
 *   loads, outside any task, and the run never settles; at 8 the first task
 *   fails with out-of-memory.
 * - `codeRangeSizeMb` from about 1e8: V8 traps (SIGTRAP) and the process dies.
 * - `maxYoungGenerationSizeMb`: any value > 0 was survived; the ceiling keeps
 *   it to sizes that mean something.
 * The floors leave a margin above the failing values, so the engine's own
 * worker code (and a TypeScript loader) fits.
 */
export const RESOURCE_LIMIT_RANGES: Readonly<
  Record<
    'maxOldGenerationSizeMb' | 'maxYoungGenerationSizeMb' | 'codeRangeSizeMb' | 'stackSizeMb',
    readonly [number, number]
  >
> = Object.freeze({
  maxOldGenerationSizeMb: [16, 1_048_576],
  maxYoungGenerationSizeMb: [1, 65_536],
  codeRangeSizeMb: [1, 4_096],
  stackSizeMb: [0.5, 1_024],
});

/**
 * Most threads one pool may have. Each thread costs memory (a heap, a stack,
 * an inspector session) and adds no CPU beyond the cores, so a far larger
 * count only risks the process: `minThreads: 1e6` would try to start a
 * million threads at once.
 */
export const MAX_POOL_THREADS: number = Math.max(256, 4 * availableParallelism());
