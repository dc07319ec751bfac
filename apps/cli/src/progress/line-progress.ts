import type { RunEvent } from 'processes-core';
import { formatDuration, formatOffset, plural } from '../format.js';
import { printable } from '../printable.js';
import type { Style, Terminal } from '../terminal.js';
import type { ProgressDisplay, RunHeader } from './display.js';
import { errorLine, itemsLine, RunState, skipReason } from './run-state.js';

/**
 * Progress for logs (stdout is not a terminal, as in CI): one line per
 * event, each stamped with the time since the run started, nothing redrawn.
 *
 * ```
 * [00:00.000] run     nightly-etl · 5 tasks · parallel, up to 2 at once
 * [00:00.002] start   load
 * [00:00.054] ok      load · 52 ms
 * [00:00.060] retry   charge · attempt 1 failed: Error: reset (ECONNRESET) · next in 50 ms
 * [00:00.170] FAILED  charge · 3 attempts · 110 ms · Error: reset (ECONNRESET)
 * [00:00.170] skip    ship · because charge errored
 * [00:00.171] done    3 succeeded · 1 errored · 1 skipped · 171 ms
 * ```
 */
export class LineProgress implements ProgressDisplay {
  readonly #out: Terminal;
  readonly #header: RunHeader;
  readonly #state = new RunState();

  constructor(out: Terminal, header: RunHeader) {
    this.#out = out;
    this.#header = header;
  }

  onEvent(event: RunEvent): void {
    const item = this.#state.parentOf(event) !== undefined;
    const task = this.#state.apply(event);
    // A mapped task's items are summarised: only a failed item gets a line of its own.
    if (item && event.type !== 'task:failed') return;
    const start = this.#state.startedAt ?? event.at;
    // `text` holds task names and messages: printable, so none of them can act on the terminal.
    const line = (tag: string, text: string, ...styles: Style[]): void => {
      this.#out.line(
        `${this.#out.style(`[${formatOffset(event.at - start)}]`, 'gray')} ${this.#out.style(tag.padEnd(7), ...styles)} ${printable(text)}`,
      );
    };
    switch (event.type) {
      case 'run:started':
        line('run', `${this.#header.label} · ${plural(event.taskNames.length, 'task')} · ${this.#header.mode}`, 'bold');
        return;
      case 'task:started':
        line('start', event.attempt > 1 ? `${event.taskName} (attempt ${event.attempt})` : event.taskName, 'cyan');
        return;
      case 'task:retrying':
        line(
          'retry',
          `${event.taskName} · attempt ${event.attempt} failed: ${task?.message ?? ''} · next in ${formatDuration(event.delayMs)}`,
          'yellow',
        );
        return;
      case 'task:succeeded':
        if (event.reused) {
          line(
            'reuse',
            `${event.taskName} · from the ${event.reused.source === 'resume' ? 'report' : 'cache'}`,
            'green',
          );
          return;
        }
        line(
          'ok',
          `${event.taskName} · ${task?.items ? `${itemsLine(task.items)} · ` : ''}${event.attempts > 1 ? `${plural(event.attempts, 'attempt')} · ` : ''}${formatDuration(event.elapsedMs)}`,
          'green',
        );
        return;
      case 'task:failed':
        line(
          'FAILED',
          `${event.taskName} · ${plural(event.attempts, 'attempt')} · ${formatDuration(event.elapsedMs)} · ${item ? errorLine(event.error) : (task?.message ?? '')}`,
          'red',
          'bold',
        );
        return;
      case 'task:mapped':
        line('map', `${event.taskName} · ${plural(event.items, 'item')}`, 'cyan');
        return;
      case 'task:skipped':
        line(
          'skip',
          `${event.taskName} · ${skipReason({ because: event.because, skip: event.rule ? { rule: event.rule, upstream: event.upstream ?? [] } : undefined })}`,
          'yellow',
        );
        return;
      case 'run:finished': {
        const counts = this.#state.counts();
        const parts = [`${counts.success} succeeded`];
        if (counts.errored) parts.push(`${counts.errored} errored`);
        if (counts.skipped) parts.push(`${counts.skipped} skipped`);
        // Only the report knows which tasks the abort stopped or kept from starting.
        if (event.report.cancelled.size) parts.push(`${event.report.cancelled.size} cancelled`);
        line('done', `${parts.join(' · ')} · ${formatDuration(event.at - start)}`, 'bold');
        return;
      }
    }
  }

  stop(): void {}
}
