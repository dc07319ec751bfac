// BullMQ job ids may not contain ':' (it separates Redis key parts) and must
// not be plain integers (those collide with BullMQ's own counter). Task names
// may hold anything but whitespace, so they are percent-encoded, with '-'
// escaped as well so the three parts stay unambiguous.

/** The one id of an attempt's job: adding it twice is harmless, and no run's id can collide with another's. */
export function jobIdOf(runId: string, taskName: string, attempt: number): string {
  return `${runId}-${escapeTaskName(taskName)}-${attempt}`;
}

export function escapeTaskName(taskName: string): string {
  return encodeURIComponent(taskName).replace(/[-:.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
