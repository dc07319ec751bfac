// vitest global setup: installs Graphviz for the DOT rendering test when this
// may (root or CI), or says in one line that the test is skipped.
import { ensureSystemPackage } from '../../../scripts/ensure-system-package.mjs';

export default function setup(): void {
  ensureSystemPackage('graphviz');
}
