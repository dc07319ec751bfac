import type { RunEvent } from 'processes-core';

/** Shows a run's progress as its events arrive. */
export interface ProgressDisplay {
  onEvent(event: RunEvent): void;
  /** The run is over (or was cancelled): stop redrawing and leave the terminal clean for the summary. */
  stop(): void;
}

/** What a display says about the run in its header. */
export interface RunHeader {
  /** The process name, or the pipeline file's name when the process has none. */
  readonly label: string;
  /** `parallel, up to 4 at once` or `sequential`. */
  readonly mode: string;
}

/** No progress at all (`--quiet`). */
export const silentProgress: ProgressDisplay = {
  onEvent() {},
  stop() {},
};
