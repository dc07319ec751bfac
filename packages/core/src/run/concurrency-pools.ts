import type { Task } from '../definition/task.js';
import { PoolTooSmallError, UnknownPoolError } from '../errors/errors.js';

/**
 * Checks every task's `pool` against the process's declared pools: an
 * unknown name, or more `poolSlots` than the pool has (the task could never
 * start), throws before anything runs.
 */
export function checkPools(tasks: readonly Task[], pools: Readonly<Record<string, number>>): void {
  const known = Object.keys(pools);
  for (const task of tasks) {
    if (task.pool === null) continue;
    const size = Object.hasOwn(pools, task.pool) ? pools[task.pool] : undefined;
    if (size === undefined) throw new UnknownPoolError(task.name, task.pool, known);
    if (task.poolSlots > size) throw new PoolTooSmallError(task.name, task.pool, task.poolSlots, size);
  }
}

/**
 * The slots of each concurrency pool in one run. The scheduler takes slots
 * before it hands a task (or a mapped item) to its executor and gives them
 * back when the attempt chain ends, so the limit holds whatever executor
 * runs the work. A task that does not fit waits here, parked under its pool,
 * and goes back to the ready queue when slots of that pool come free.
 */
export class ConcurrencyPools {
  readonly #free = new Map<string, number>();
  readonly #parked = new Map<string, number[]>();

  constructor(pools: Readonly<Record<string, number>>) {
    for (const [name, size] of Object.entries(pools)) {
      this.#free.set(name, size);
      this.#parked.set(name, []);
    }
  }

  /** Takes `slots` of `pool` when that many are free; false (and nothing taken) otherwise. */
  tryTake(pool: string, slots: number): boolean {
    const free = this.#free.get(pool) ?? 0;
    if (free < slots) return false;
    this.#free.set(pool, free - slots);
    return true;
  }

  /** Keeps `value` (a ready-queue position) until slots of `pool` are released. */
  park(pool: string, value: number): void {
    this.#parked.get(pool)?.push(value);
  }

  /** Gives slots back; returns what was parked under the pool, to be queued again. */
  release(pool: string, slots: number): number[] {
    this.#free.set(pool, (this.#free.get(pool) ?? 0) + slots);
    const parked = this.#parked.get(pool);
    if (!parked || parked.length === 0) return [];
    this.#parked.set(pool, []);
    return parked;
  }
}
