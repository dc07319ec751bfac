import type { Task } from '../definition/task.js';
import { MapBatchResultError, MappedItemsFailedError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize-error.js';
import type { TaskSpec, UpstreamState } from '../executors/types.js';
import { setOwn } from '../logging/json-safe.js';
import { TaskStatus } from '../report/status.js';
import type { TaskReportEntry } from '../report/types.js';
import { buildEntry, errorData } from './report-entry.js';

/** One attempt chain of a mapped task: items `[start, end)` of the mapped-over array. */
export interface MapUnit {
  readonly start: number;
  readonly end: number;
}

/**
 * Where the item goes in a mapped task's call, where the mapped
 * dependency's result would go: the positional argument at `arg`, and/or
 * the key `kwarg` of the options object at `kwargsAt`.
 */
export interface MapSlot {
  readonly arg: number | null;
  readonly kwargsAt: number | null;
  readonly kwarg: string;
}

/**
 * A mapped task in one run, once the array it maps over is known: which
 * units are still to start, how many run, and what each ended with. Items
 * are not Tasks: a unit borrows its task's options through the prototype
 * chain (a name is the only own field), so 100,000 items cost 100,000 small
 * objects, not 100,000 validated constructions.
 */
export class MappedRun {
  readonly task: Task;
  readonly source: string;
  readonly items: readonly unknown[];
  /** The task's arguments with the mapped dependency's slot still to fill. */
  readonly baseArgs: readonly unknown[];
  readonly slot: MapSlot;
  readonly spec: TaskSpec;
  /** How the task's dependencies ended: the same for every item. */
  readonly upstream: Readonly<Record<string, UpstreamState>>;
  readonly unitCount: number;
  /** Units started so far; the next to start is this one. */
  #next = 0;
  running = 0;
  /** In the ready queue (or parked under its pool) right now. */
  queued = false;
  readonly #entries: (TaskReportEntry | undefined)[];
  readonly #results: unknown[];
  #settledUnits = 0;
  /** Units a resume settled before the run started them (see {@link prefill}). */
  #prefilled: Set<number> | undefined;

  constructor(
    task: Task,
    init: {
      source: string;
      items: readonly unknown[];
      baseArgs: unknown[];
      slot: MapSlot;
      spec: TaskSpec;
      upstream: Readonly<Record<string, UpstreamState>>;
    },
  ) {
    this.task = task;
    this.source = init.source;
    this.items = init.items;
    this.baseArgs = init.baseArgs;
    this.slot = init.slot;
    this.spec = init.spec;
    this.upstream = init.upstream;
    this.unitCount = Math.ceil(init.items.length / task.mapBatchSize);
    this.#entries = new Array(this.unitCount);
    this.#results = new Array(init.items.length);
  }

  /** Whether a unit is left to start and the task's `maxParallel` allows one more now. */
  get canStartMore(): boolean {
    return this.#next < this.unitCount && this.running < this.task.maxParallel;
  }

  get done(): boolean {
    return this.#settledUnits === this.unitCount;
  }

  /**
   * Settles, before anything starts, the units a resume reuses: `reused`
   * holds earlier item entries by the index of their first item; one counts
   * only where it covers the same items as the unit does now.
   */
  prefill(reused: ReadonlyMap<number, TaskReportEntry>, fromRun: string | null): void {
    const size = this.task.mapBatchSize;
    for (let u = 0; u < this.unitCount; u++) {
      const start = u * size;
      const end = Math.min(start + size, this.items.length);
      const before = reused.get(start);
      if (!before || (before.mapItem?.count ?? 1) !== end - start) continue;
      const count = end - start;
      if (size === 1) this.#results[start] = before.result;
      else if (Array.isArray(before.result) && before.result.length === count) {
        for (let i = 0; i < count; i++) this.#results[start + i] = before.result[i];
      } else continue;
      this.#prefilled ??= new Set();
      this.#prefilled.add(u);
      this.#settledUnits++;
      this.#entries[u] = Object.freeze({
        ...before,
        attempts: 0,
        reused: { source: 'resume' as const, fromRun },
        mapItem: { parent: this.task.name, index: start, ...(count === 1 ? {} : { count }) },
      });
    }
    this.#skipPrefilled();
  }

  #skipPrefilled(): void {
    while (this.#prefilled?.has(this.#next)) this.#next++;
  }

  /** Takes the next unit to start. Call only when {@link canStartMore}. */
  take(): { unit: MapUnit; item: Task; spec: TaskSpec; args: unknown[] } {
    const u = this.#next++;
    this.#skipPrefilled();
    const size = this.task.mapBatchSize;
    const start = u * size;
    const end = Math.min(start + size, this.items.length);
    this.running++;
    const name = end - start === 1 ? `${this.task.name}[${start}]` : `${this.task.name}[${start}..${end - 1}]`;
    // The only own field is the name; every option is the mapped task's own.
    const item = Object.create(this.task, { name: { value: name, enumerable: true } }) as Task;
    const value = size === 1 ? this.items[start] : this.items.slice(start, end);
    const args = [...this.baseArgs];
    const { slot } = this;
    if (slot.arg !== null) args[slot.arg] = value;
    if (slot.kwargsAt !== null) {
      const kwargs = { ...(args[slot.kwargsAt] as Record<string, unknown>) };
      setOwn(kwargs, slot.kwarg, value);
      args[slot.kwargsAt] = kwargs;
    }
    return { unit: { start, end }, item, spec: { ...this.spec, name }, args };
  }

  /** Records how a unit's attempt chain ended (the entry as the task runner built it). */
  settle(unit: MapUnit, entry: TaskReportEntry, item: Task, downstream: () => readonly string[]): void {
    this.running--;
    this.#settledUnits++;
    let ended = entry;
    if (entry.status === TaskStatus.SUCCESS) {
      const count = unit.end - unit.start;
      if (this.task.mapBatchSize === 1) this.#results[unit.start] = entry.result;
      else if (Array.isArray(entry.result) && entry.result.length === count) {
        for (let i = 0; i < count; i++) this.#results[unit.start + i] = entry.result[i];
      } else {
        const thrown = serializeError(new MapBatchResultError(item.name, count, entry.result));
        const { result: _dropped, ...rest } = entry;
        ended = { ...rest, status: TaskStatus.ERRORED, error: errorData(item, thrown, downstream()) };
      }
    }
    const size = unit.end - unit.start;
    this.#entries[unit.start / this.task.mapBatchSize] = Object.freeze({
      ...ended,
      mapItem: { parent: this.task.name, index: unit.start, ...(size === 1 ? {} : { count: size }) },
    });
  }

  /** The mapped task's own entry, once every unit has settled. */
  entry(downstream: () => readonly string[]): TaskReportEntry {
    const entries = this.#entries as TaskReportEntry[];
    const failedIndices: number[] = [];
    let attempts = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    entries.forEach((e, u) => {
      attempts += e.attempts;
      if (e.startedAt) first = Math.min(first, e.startedAt.getTime());
      if (e.finishedAt) last = Math.max(last, e.finishedAt.getTime());
      if (e.status !== TaskStatus.SUCCESS) {
        const start = u * this.task.mapBatchSize;
        const end = Math.min(start + this.task.mapBatchSize, this.items.length);
        for (let i = start; i < end; i++) failedIndices.push(i);
      }
    });
    const ok = failedIndices.length === 0 || this.task.allowPartial;
    const map = {
      source: this.source,
      items: this.items.length,
      failed: failedIndices.length,
      failedIndices: Object.freeze(failedIndices),
      ...(this.task.mapBatchSize === 1 ? {} : { batchSize: this.task.mapBatchSize }),
    };
    const rest = ok
      ? // A bare entry (the task had no attempt of its own: its items had theirs), then made a success.
        { ...buildEntry(this.task, { status: TaskStatus.CANCELLED }), status: TaskStatus.SUCCESS }
      : buildEntry(this.task, {
          status: TaskStatus.ERRORED,
          error: errorData(
            this.task,
            serializeError(new MappedItemsFailedError(this.task.name, failedIndices, this.items.length)),
            downstream(),
          ),
        });
    const timed = Number.isFinite(first)
      ? { startedAt: new Date(first), finishedAt: new Date(last), elapsedMs: last - first }
      : { elapsedMs: 0 };
    return {
      ...rest,
      ...timed,
      attempts,
      ...(ok ? { result: this.#results } : {}),
      map: Object.freeze(map),
      items: Object.freeze(entries),
    };
  }
}

/** Where the mapped dependency's result sits in the task's arguments (mirrors the scheduler's argument order). */
export function mapSlotOf(task: Task, argsLength: number): MapSlot {
  let arg = task.args.length;
  for (const dependency of task.dependencies) {
    if (dependency.taskName === task.map) {
      return {
        arg: dependency.useResultAsAdditionalArgs ? arg : null,
        kwargsAt: dependency.useResultAsAdditionalKwargs ? argsLength - 1 : null,
        kwarg: dependency.additionalKwargName,
      };
    }
    if (dependency.useResultAsAdditionalArgs) arg++;
  }
  return { arg: null, kwargsAt: null, kwarg: '' };
}
