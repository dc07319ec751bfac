import type { RunEvent } from 'processes-core';

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
}

/** Counts of tasks per state. */
export type StateCounts = Record<TaskState, number>;

/**
 * Follows a run through its events: one {@link TaskProgress} per task, in
 * the order the run announced them (topological). Both progress displays
 * read it.
 */
export class RunState {
  readonly #tasks = new Map<string, TaskProgress>();
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

  /** Applies one event; returns the task it was about, if any. */
  apply(event: RunEvent): TaskProgress | undefined {
    switch (event.type) {
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
  };
}

/** `TypeError: bad input (ECONNRESET)`, first line only. */
export function errorLine(error: { name?: string; message?: string; code?: unknown }): string {
  const message = (error.message ?? '').split('\n')[0] ?? '';
  const code = typeof error.code === 'string' && error.code && !message.includes(error.code) ? ` (${error.code})` : '';
  return `${error.name || 'Error'}: ${message}${code}`;
}
