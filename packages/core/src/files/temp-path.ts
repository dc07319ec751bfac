import { randomBytes } from 'node:crypto';

/**
 * Where an atomic write of `path` goes first (then renamed over it):
 * `<path>.<pid>.<12 hex>.tmp`, unique per writer and per write. The pid lets
 * a later reader tell the temp file of a writer that died from a live one's.
 */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

const TEMP_TAIL = /^\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** The pid of the writer whose temp file of `target` (a base name) is `name`; undefined if `name` is not one. */
export function tempWriterOf(name: string, target: string): number | undefined {
  if (!name.startsWith(target)) return undefined;
  const pid = TEMP_TAIL.exec(name.slice(target.length))?.[1];
  return pid === undefined ? undefined : Number(pid);
}
