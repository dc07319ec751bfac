import { types } from 'node:util';
import type { ArgumentPath } from '../types.js';

const MAX_NODES = 10_000;
const MAX_DEPTH = 8;

/**
 * The ArrayBuffers inside `value` that can be moved to another thread
 * instead of copied: plain (not shared, not detached) buffers, held directly
 * or by a typed array / DataView that spans the whole buffer. A view over
 * part of a buffer (such as a small Node Buffer carved from the shared
 * allocation pool) is left to be copied, since moving its buffer would take
 * bytes that belong to others.
 */
export function collectTransferables(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (current: unknown, depth: number): void => {
    if (typeof current !== 'object' || current === null || depth > MAX_DEPTH || seen.size >= MAX_NODES) return;
    if (seen.has(current)) return;
    seen.add(current);
    if (types.isArrayBuffer(current)) {
      if (current.byteLength > 0) found.add(current);
      return;
    }
    if (ArrayBuffer.isView(current)) {
      const { buffer, byteOffset, byteLength } = current;
      if (types.isArrayBuffer(buffer) && byteOffset === 0 && byteLength === buffer.byteLength && byteLength > 0) {
        found.add(buffer);
      }
      return;
    }
    if (Array.isArray(current)) {
      for (const item of current) visit(item, depth + 1);
    } else if (current instanceof Map) {
      for (const [k, v] of current) {
        visit(k, depth + 1);
        visit(v, depth + 1);
      }
    } else if (current instanceof Set) {
      for (const item of current) visit(item, depth + 1);
    } else if (Object.getPrototypeOf(current) === Object.prototype || Object.getPrototypeOf(current) === null) {
      for (const key of Object.keys(current)) visit((current as Record<string, unknown>)[key], depth + 1);
    }
  };
  visit(value, 0);
  return [...found];
}

/** The buffers of the arguments at `paths`, to move to the thread rather than copy. */
export function movableBuffers(args: readonly unknown[], paths: readonly ArgumentPath[]): ArrayBuffer[] {
  if (paths.length === 0) return [];
  const buffers: ArrayBuffer[] = [];
  for (const { arg, kwarg } of paths) {
    const value = kwarg === undefined ? args[arg] : (args[arg] as Record<string, unknown> | undefined)?.[kwarg];
    buffers.push(...collectTransferables(value));
  }
  // A buffer reachable twice is listed once; postMessage refuses duplicates.
  return [...new Set(buffers)];
}
