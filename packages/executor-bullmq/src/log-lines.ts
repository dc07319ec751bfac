// A remote task's log lines travel as a Redis list per job (RPUSH from the
// worker, in the order the task logged them on one connection), and are
// replayed into the coordinator's sink before the attempt settles.

import { deserialize, serialize } from 'node:v8';
import type { LogSink } from 'processes-core';
import { toJsonSafe } from 'processes-core';
import type { ShippedLine } from './protocol.js';

export function encodeLine(line: ShippedLine): Buffer {
  try {
    return serialize(line);
  } catch {
    // A field v8 cannot write (a function): the line still goes, as the JSON-safe rendering.
    return serialize({ ...line, fields: toJsonSafe(line.fields) });
  }
}

export function replayLines(sink: LogSink | null, lines: readonly Buffer[]): void {
  if (!sink) return;
  for (const bytes of lines) {
    const line = deserialize(bytes) as ShippedLine;
    sink(line.level, line.msg, line.fields);
  }
}
