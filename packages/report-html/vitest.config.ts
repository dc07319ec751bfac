// Shared by every package: tests run against src/ (see the root vitest.shared.ts),
// plus chromium for the browser test (scripts/ensure-system-package.mjs).
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, { test: { globalSetup: ['./test/setup-chromium.ts'] } });
