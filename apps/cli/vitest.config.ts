// Shared by every package: tests run against src/ (see the root vitest.shared.ts).
//
// The fixtures are pipeline files that import `processes-js`, as users write
// them; they resolve it through the root's node_modules. `processes-js`
// depends on this package (it ships the command), so it cannot be a
// dependency here: a second global setup builds it when it is stale. A
// third installs Graphviz for the DOT rendering test (or says it is skipped).
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, { test: { globalSetup: ['./test/build-umbrella.ts', './test/setup-graphviz.ts'] } });
