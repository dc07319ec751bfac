// vitest global setup: builds `processes-js` (which the fixtures import) when its src/ is newer than its dist/.
import { fileURLToPath } from 'node:url';
import { buildIfStale } from '../../../vitest.build-if-stale.js';

export default function setup(): void {
  buildIfStale(fileURLToPath(new URL('../../../packages/processes', import.meta.url)));
}
