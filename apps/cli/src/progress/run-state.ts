import type { RunEvent } from 'processes-core';

export { skipReason } from '../skip-reason.js';

/** A task's state as the progress display shows it. */
export type TaskState = 'pending' | 'running' | 'retrying' | 'success' | 'errored' | 'skipped';

/** What the display knows of one task, from the run's events. */
export interface TaskProgress {
  readonly name: string;
  state: TaskState;
  /** The attempt running, or the last one made. */
  attempt: number;
  /** When the first attempt started (ms since the epoch). */
  startedAt: number | undefined;
  /** Set when the task finished: the report's elapsed time over every attempt. */
  elapsedMs: number | undefined;
  /** The last failure's one-line message (errored, or the attempt being retried). */
  message: string | undefined;
  /** For a skipped task: the errored task upstream. */
  because: string | undefined;
  /** For a skipped task: its trigger rule and the dependencies that refuted it (v2 events). */
  skip: { readonly rule: string; readonly upstream: readonly string[] } | undefined;
  /** For a mapped task: its items, counted (items are summarised here, never listed one by one). */
  items: ItemCounts | undefined;
}

/** How a mapped task's items are doing. */
export interface ItemCounts {
  total: number;
  running: number;
  succeeded: number;
  failed: number;
}

/** `parse[3]` or `parse[0..99]`: the name of a mapped task's item (or batch). */
const ITEM_NAME = /^(.+)\[\d+(?:\.\.\d+)?\]$/;

/** Counts of tasks per state. */
export type StateCounts = Record<TaskState, number>;

/**
 * Follows a run through its events: one {@link TaskProgress} per task, in
 * the order the run announced them (topological). Both progress displays
 * read it.
 */
export class RunState {
  readonly #tasks = new Map<string, TaskProgress>();
  /** Mapped tasks that announced their items, by name. */
  readonly #mapped = new Map<string, TaskProgress>();
  processName = '';
  /** When `run:started` arrived (ms since the epoch). */
  startedAt: number | undefined;
  finishedAt: number | undefined;

  get tasks(): readonly TaskProgress[] {
    return [...this.#tasks.values()];
  }

  counts(): StateCounts {
    const counts: StateCounts = { pending: 0, running: 0, retrying: 0, success: 0, errored: 0, skipped: 0 };
    for (const task of this.#tasks.values()) counts[task.state] += 1;
    return counts;
  }

  /** The mapped task an event is about when it is about one of its items, else undefined. */
  parentOf(event: RunEvent): TaskProgress | undefined {
    if (!('taskName' in event) || event.type === 'task:mapped' || this.#mapped.size === 0) return undefined;
    const match = ITEM_NAME.exec(event.taskName);
    return match ? this.#mapped.get(match[1] as string) : undefined;
  }

  /**
   * Applies one event; returns the task it was about, if any (for an item
   * of a mapped task, the mapped task, its counts updated).
   */
  apply(event: RunEvent): TaskProgress | undefined {
    const parent = this.parentOf(event);
    if (parent?.items) {
      const items = parent.items;
      if (event.type === 'task:started' && event.attempt === 1) items.running++;
      else if (event.type === 'task:succeeded') {
        items.running--;
        items.succeeded++;
      } else if (event.type === 'task:failed') {
        items.running--;
        items.failed++;
      }
      return parent;
    }
    switch (event.type) {
      case 'task:mapped': {
        const task = this.#task(event.taskName);
        task.state = 'running';
        task.startedAt ??= event.at;
        task.items = { total: event.items, running: 0, succeeded: 0, failed: 0 };
        this.#mapped.set(event.taskName, task);
        return task;
      }
      case 'run:started':
        this.processName = event.processName;
        this.startedAt = event.at;
        for (const name of event.taskNames) this.#tasks.set(name, blank(name));
        return undefined;
      case 'run:finished':
        this.finishedAt = event.at;
        return undefined;
      case 'task:started': {
        const task = this.#task(event.taskName);
        task.state = 'running';
        task.attempt = event.attempt;
        task.startedAt ??= event.at;
        return task;
      }
      case 'task:retrying': {
        const task = this.#task(event.taskName);
        task.state = 'retrying';
        task.attempt = event.attempt;
        task.message = errorLine(event.error);
        return task;
      }
      case 'task:succeeded': {
        const task = this.#task(event.taskName);
        task.state = 'success';
        task.attempt = event.attempts;
        task.elapsedMs = event.elapsedMs;
        return task;
      }
      case 'task:failed': {
        const task = this.#task(event.taskName);
        task.state = 'errored';
        task.attempt = event.attempts;
        task.elapsedMs = event.elapsedMs;
        task.message = errorLine(event.error);
        return task;
      }
      case 'task:skipped': {
        const task = this.#task(event.taskName);
        task.state = 'skipped';
        task.because = event.because;
        task.skip = event.rule === undefined ? undefined : { rule: event.rule, upstream: event.upstream ?? [] };
        return task;
      }
    }
  }

  #task(name: string): TaskProgress {
    let task = this.#tasks.get(name);
    if (!task) {
      task = blank(name);
      this.#tasks.set(name, task);
    }
    return task;
  }
}

function blank(name: string): TaskProgress {
  return {
    name,
    state: 'pending',
    attempt: 0,
    startedAt: undefined,
    elapsedMs: undefined,
    message: undefined,
    because: undefined,
    skip: undefined,
    items: undefined,
  };
}

/** `37/100 items · 2 failed`: a mapped task's items in one line. */
export function itemsLine(items: ItemCounts): string {
  const done = items.succeeded + items.failed;
  return `${done}/${items.total} items${items.failed > 0 ? ` · ${items.failed} failed` : ''}`;
}

/** `TypeError: bad input (ECONNRESET)`, first line only. */
export function errorLine(error: { name?: string; message?: string; code?: unknown }): string {
  const message = (error.message ?? '').split('\n')[0] ?? '';
  const code = typeof error.code === 'string' && error.code && !message.includes(error.code) ? ` (${error.code})` : '';
  return `${error.name || 'Error'}: ${message}${code}`;
}
