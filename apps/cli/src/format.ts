/** A duration for people: `0.4 ms`, `52 ms`, `1.23 s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${pad2(totalSeconds % 60)}s`;
  return `${Math.floor(totalSeconds / 3600)}h ${pad2(Math.floor(totalSeconds / 60) % 60)}m`;
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

/** Lays out rows as columns padded to their widest cell; the last column is not padded. */
export function layoutColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
      .join(gap)
      .trimEnd(),
  );
}

/** A short description of a value for messages: `a number (3)`, `a string ("x")`, `an object`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `a ${typeof value} (${String(value)})`;
    case 'function':
      return `a function${value.name ? ` (${value.name})` : ''}`;
    case 'object': {
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return name && name !== 'Object' ? `a ${name} object` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}
