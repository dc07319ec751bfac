import type { RunEvent } from 'processes-core';
import { formatDuration } from '../format.js';
import { fitLine, type Segment, type Style, type Terminal } from '../terminal.js';
import { padEndToWidth, textWidth, truncateToWidth } from '../text-width.js';
import type { ProgressDisplay, RunHeader } from './display.js';
import { RunState, type TaskProgress, type TaskState } from './run-state.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SYMBOL: Record<Exclude<TaskState, 'running'>, readonly [string, Style]> = {
  pending: ['·', 'gray'],
  retrying: ['↻', 'yellow'],
  success: ['✔', 'green'],
  errored: ['✖', 'red'],
  skipped: ['↷', 'yellow'],
};
const STATE_STYLE: Record<TaskState, Style> = {
  pending: 'gray',
  running: 'cyan',
  retrying: 'yellow',
  success: 'green',
  errored: 'red',
  skipped: 'yellow',
};
/** Which tasks stay on screen when they do not all fit: what is happening now first. */
const KEEP_RANK: Record<TaskState, number> = {
  running: 0,
  retrying: 0,
  errored: 1,
  pending: 2,
  skipped: 3,
  success: 4,
};
const NAME_WIDTH_MAX = 40;

// ANSI control sequences: cursor to the start of the line `n` lines up, clear to the end of the screen.
const up = (lines: number): string => `\x1b[${lines}F`;
const CLEAR_DOWN = '\x1b[0J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

export interface LiveProgressOptions {
  /** Milliseconds since the epoch, for the running tasks' elapsed time. @default Date.now */
  readonly clock?: () => number;
  /** How often the block is redrawn while the run goes on. @default 80 */
  readonly intervalMs?: number;
}

/**
 * Progress on a terminal: one line per task with its state and elapsed
 * time, and a line with the overall count, redrawn in place with ANSI
 * cursor movement. When the run ends the block is erased, so the summary
 * that follows is the only record left on screen.
 */
export class LiveProgress implements ProgressDisplay {
  readonly #out: Terminal;
  readonly #header: RunHeader;
  readonly #state = new RunState();
  readonly #clock: () => number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #height = 0;
  #tick = 0;
  #stopped = false;
  // A second Ctrl-C exits at once, perhaps in the middle of a redraw: the cursor must come back anyway.
  readonly #restoreCursor = (): void => this.#out.write(SHOW_CURSOR);

  constructor(out: Terminal, header: RunHeader, options: LiveProgressOptions = {}) {
    this.#out = out;
    this.#header = header;
    this.#clock = options.clock ?? Date.now;
    this.#intervalMs = options.intervalMs ?? 80;
  }

  onEvent(event: RunEvent): void {
    if (this.#stopped) return;
    this.#state.apply(event);
    if (event.type === 'run:started') this.#start();
    // Between ticks only the state changes; the next tick draws it, so a burst of events costs one redraw.
    if (event.type === 'run:finished') this.#draw();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    process.off('exit', this.#restoreCursor);
    this.#out.write(`${this.#height > 0 ? up(this.#height) + CLEAR_DOWN : ''}${SHOW_CURSOR}`);
    this.#height = 0;
  }

  #start(): void {
    this.#out.write(HIDE_CURSOR);
    process.once('exit', this.#restoreCursor);
    this.#timer = setInterval(() => {
      this.#tick += 1;
      this.#draw();
    }, this.#intervalMs);
    this.#timer.unref();
    this.#draw();
  }

  #draw(): void {
    const lines = renderLiveFrame(this.#out, this.#state, this.#header, this.#clock(), this.#tick);
    this.#out.write(`${this.#height > 0 ? up(this.#height) + CLEAR_DOWN : ''}${lines.join('\n')}\n`);
    this.#height = lines.length;
  }
}

/**
 * The lines of one frame: a line per task (as many as fit the terminal,
 * what is running first) and the overall count. Every line is cut to the
 * terminal's width, since a wrapped line would throw the redraw off.
 */
export function renderLiveFrame(
  out: Terminal,
  state: RunState,
  header: RunHeader,
  now: number,
  tick: number,
): string[] {
  const width = out.columns - 1;
  const tasks = state.tasks;
  const room = Math.max(1, out.rows - 2);
  let shown = tasks;
  let hidden: TaskProgress[] = [];
  if (tasks.length > room) {
    const keep = new Set(
      tasks
        .map((task, index) => ({ task, index }))
        .sort((a, b) => KEEP_RANK[a.task.state] - KEEP_RANK[b.task.state] || a.index - b.index)
        .slice(0, room - 1)
        .map(({ task }) => task),
    );
    shown = tasks.filter((task) => keep.has(task));
    hidden = tasks.filter((task) => !keep.has(task));
  }
  // From every task, not just those shown, so the columns stay put as tasks come and go.
  const nameWidth = Math.min(NAME_WIDTH_MAX, Math.max(4, ...tasks.map((task) => textWidth(task.name))));
  const lines = shown.map((task) => fitLine(out, taskSegments(task, nameWidth, now, tick), width));
  if (hidden.length > 0) {
    const byState = countStates(hidden);
    lines.push(fitLine(out, [[`  … ${hidden.length} more: ${byState}`, 'gray']], width));
  }
  const counts = state.counts();
  const done = counts.success + counts.errored + counts.skipped;
  const elapsed = state.startedAt === undefined ? 0 : (state.finishedAt ?? now) - state.startedAt;
  const footer: Segment[] = [
    [`${header.label}  `, 'bold'],
    [`${done}/${tasks.length} done`],
    [` · ${counts.running + counts.retrying} running`, 'cyan'],
  ];
  if (counts.errored) footer.push([` · ${counts.errored} errored`, 'red']);
  if (counts.skipped) footer.push([` · ${counts.skipped} skipped`, 'yellow']);
  footer.push([` · ${formatDuration(elapsed)}`, 'gray']);
  lines.push(fitLine(out, footer, width));
  return lines;
}

function taskSegments(task: TaskProgress, nameWidth: number, now: number, tick: number): Segment[] {
  const [symbol, symbolStyle] =
    task.state === 'running' ? [SPINNER[tick % SPINNER.length] ?? '*', 'cyan' as Style] : SYMBOL[task.state];
  const name = padEndToWidth(truncateToWidth(task.name, nameWidth), nameWidth);
  const segments: Segment[] = [
    [` ${symbol} `, symbolStyle],
    [`${name}  `],
    [task.state.padEnd(9), STATE_STYLE[task.state]],
  ];
  const detail = taskDetail(task, now);
  if (detail) segments.push([` ${detail}`, task.state === 'errored' ? 'red' : 'gray']);
  return segments;
}

function taskDetail(task: TaskProgress, now: number): string {
  switch (task.state) {
    case 'pending':
      return '';
    case 'running':
      return `${formatDuration(now - (task.startedAt ?? now))}${task.attempt > 1 ? ` · attempt ${task.attempt}` : ''}`;
    case 'retrying':
      return `${formatDuration(now - (task.startedAt ?? now))} · attempt ${task.attempt} failed: ${task.message ?? ''}`;
    case 'success':
      return `${formatDuration(task.elapsedMs ?? 0)}${task.attempt > 1 ? ` · ${task.attempt} attempts` : ''}`;
    case 'errored':
      return `${formatDuration(task.elapsedMs ?? 0)} · ${task.message ?? ''}`;
    case 'skipped':
      return `because ${task.because ?? 'a dependency'} errored`;
  }
}

function countStates(tasks: readonly TaskProgress[]): string {
  const counts = new Map<TaskState, number>();
  for (const task of tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
}
