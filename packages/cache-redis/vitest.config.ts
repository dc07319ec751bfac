// Shared by every package: tests run against src/ (see the root vitest.shared.ts).
export { default } from '../../vitest.shared.js';
