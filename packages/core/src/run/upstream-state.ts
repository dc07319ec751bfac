import type { TaskStatus } from '../report/status.js';

/** How a dependency of the task ended, as the task sees it (`taskContext().upstream`, `request.upstream`). */
export interface UpstreamState {
  readonly status: TaskStatus;
  /** For a mapped dependency with `allowPartial`: the items that failed (`undefined` in its result array). */
  readonly failedIndices?: readonly number[];
}
