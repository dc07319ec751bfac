import type { RunEvent } from 'processes-js';
import { describe, expect, it } from 'vitest';
import { LiveProgress, renderLiveFrame } from '../../dist/progress/live-progress.js';
import { RunState } from '../../dist/progress/run-state.js';
import { Terminal } from '../../dist/terminal.js';
import { collectingStream } from '../helpers/cli.js';

// Internal: the live display needs a terminal, which a spawned CLI with piped stdio is not.

/** A terminal of the given size that keeps what is written to it. */
function fakeTerminal(columns = 100, rows = 30, env: Record<string, string> = { NO_COLOR: '1' }) {
  const { stream, written } = collectingStream({ columns, rows });
  return { terminal: new Terminal(stream, env), written };
}

const T0 = 1_700_000_000_000;
const base = { runId: 'run-1' };
const error = { name: 'Error', message: 'connection reset', code: 'ECONNRESET', classChain: ['Error'] };

function events(): RunEvent[] {
  return [
    {
      ...base,
      type: 'run:started',
      at: T0,
      processName: 'etl',
      taskNames: ['load', 'parse', 'fetch', 'charge', 'ship', 'archive'],
    },
    { ...base, type: 'task:started', at: T0, taskName: 'load', attempt: 1 },
    { ...base, type: 'task:succeeded', at: T0 + 52, taskName: 'load', attempts: 1, elapsedMs: 52 },
    { ...base, type: 'task:started', at: T0 + 60, taskName: 'parse', attempt: 1 },
    { ...base, type: 'task:started', at: T0 + 60, taskName: 'fetch', attempt: 1 },
    { ...base, type: 'task:retrying', at: T0 + 100, taskName: 'fetch', attempt: 1, error, delayMs: 500 },
    { ...base, type: 'task:started', at: T0 + 60, taskName: 'charge', attempt: 1 },
    {
      ...base,
      type: 'task:failed',
      at: T0 + 90,
      taskName: 'charge',
      attempts: 1,
      elapsedMs: 30,
      error: { ...error, message: 'declined', code: undefined },
    },
    { ...base, type: 'task:skipped', at: T0 + 90, taskName: 'ship', because: 'charge' },
  ] as RunEvent[];
}

function stateAfter(list: RunEvent[]): RunState {
  const state = new RunState();
  for (const event of list) state.apply(event);
  return state;
}

const header = { label: 'etl', mode: 'parallel, up to 2 at once' };

describe('the live progress frame', () => {
  it('shows each task with its state and time, and the overall count', () => {
    const { terminal } = fakeTerminal();
    expect(renderLiveFrame(terminal, stateAfter(events()), header, T0 + 1_500, 0)).toEqual([
      ' ✔ load     success   52 ms',
      ' ⠋ parse    running   1.44 s',
      ' ↻ fetch    retrying  1.44 s · attempt 1 failed: Error: connection reset (ECONNRESET)',
      ' ✖ charge   errored   30 ms · Error: declined',
      ' ↷ ship     skipped   because charge errored',
      ' · archive  pending  ',
      'etl  3/6 done · 2 running · 1 errored · 1 skipped · 1.50 s',
    ]);
  });

  it('cuts every line to the terminal width, so a redraw never wraps', () => {
    const { terminal } = fakeTerminal(32);
    const lines = renderLiveFrame(terminal, stateAfter(events()), header, T0 + 1_500, 3);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(31);
    expect(lines[2]).toBe(' ↻ fetch    retrying  1.44 s ·…');
  });

  it('keeps what is running on screen when the tasks do not fit, and counts the rest', () => {
    const { terminal } = fakeTerminal(100, 5);
    expect(renderLiveFrame(terminal, stateAfter(events()), header, T0 + 1_500, 1)).toEqual([
      ' ⠙ parse    running   1.44 s',
      ' ↻ fetch    retrying  1.44 s · attempt 1 failed: Error: connection reset (ECONNRESET)',
      '  … 4 more: 1 success, 1 errored, 1 skipped, 1 pending',
      'etl  3/6 done · 2 running · 1 errored · 1 skipped · 1.50 s',
    ]);
  });
});

describe('LiveProgress', () => {
  it('hides the cursor, redraws the block in place, then erases it and shows the cursor', () => {
    const { terminal, written } = fakeTerminal();
    let now = T0;
    const progress = new LiveProgress(terminal, header, { clock: () => now, intervalMs: 60_000 });
    const [started, ...rest] = events();
    progress.onEvent(started as RunEvent);
    expect(written().startsWith('\x1b[?25l · load     pending  \n')).toBe(true);
    const first = written();
    for (const event of rest) progress.onEvent(event);
    now = T0 + 2_000;
    progress.onEvent({ ...base, type: 'run:finished', at: now } as RunEvent);
    // Redrawn over the 7 lines of the first frame.
    expect(written().slice(first.length).startsWith('\x1b[7F\x1b[0J ✔ load')).toBe(true);
    progress.stop();
    expect(written().endsWith('\x1b[7F\x1b[0J\x1b[?25h')).toBe(true);
    // Stopping twice does nothing more.
    const length = written().length;
    progress.stop();
    expect(written()).toHaveLength(length);
  });

  it('styles states in colour when colours are on', () => {
    const { terminal } = fakeTerminal(100, 30, { FORCE_COLOR: '1' });
    const [line] = renderLiveFrame(terminal, stateAfter(events()), header, T0 + 1_500, 0);
    expect(line).toBe('\x1b[32m ✔ \x1b[39mload     \x1b[32msuccess  \x1b[39m\x1b[90m 52 ms\x1b[39m');
  });
});
