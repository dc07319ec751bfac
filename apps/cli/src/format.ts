import { describeValueInProse, formatDuration as formatCoreDuration } from 'processes-core/internal';
import { padEndToWidth, textWidth } from './text-width.js';

/** A duration for the terminal: `0.4 ms`, `52 ms`, `1.23 s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  return formatCoreDuration(ms, 'compact');
}

/** Time since the start of a run for log lines: `00:01.234`, or `1:02:03.456` past an hour. */
export function formatOffset(ms: number): string {
  const clamped = Math.max(0, ms);
  const millis = Math.floor(clamped % 1000)
    .toString()
    .padStart(3, '0');
  const seconds = Math.floor(clamped / 1000);
  const mmss = `${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${millis}`;
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)}:${mmss}` : mmss;
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** `1 task`, `3 tasks`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The first line of a message, for one-line displays. */
export function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)} …`;
}

/**
 * Lays out rows as columns padded to their widest cell, by terminal columns
 * (a CJK task name or an emoji takes two); the last column is not padded.
 */
export function layoutColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, textWidth(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : padEndToWidth(cell, widths[i] ?? 0)))
      .join(gap)
      .trimEnd(),
  );
}

/** A short description of a value for messages: `a number (3)`, `a string ("x")`, `an object`, `undefined`. */
export const describeValue: (value: unknown) => string = describeValueInProse;
