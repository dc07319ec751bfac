/**
 * The cancellation handle piscina takes as a task's `signal`: when it fires,
 * piscina drops the task, terminating its thread if it is running. An
 * AbortController would do, but one per attempt (plus its event listeners)
 * is a measurable share of a small task's cost; piscina also accepts this
 * emitter shape (`once`, and `off`/`removeListener` for 'abort', and `aborted`;
 * its typings name `off`, its code calls `removeListener`).
 */
export class KillSwitch {
  aborted = false;
  #listener: (() => void) | undefined;

  once(_event: 'abort', listener: () => void): void {
    this.#listener = listener;
  }

  off(_event: 'abort', listener: () => void): void {
    if (this.#listener === listener) this.#listener = undefined;
  }

  removeListener(event: 'abort', listener: () => void): void {
    this.off(event, listener);
  }

  fire(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }
}
