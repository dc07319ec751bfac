/**
 * The file a pool's threads load. Worker threads are plain Node and run
 * JavaScript, so this is always a built file: worker-thread.cjs beside this
 * module in dist/, which imports worker-entry.js (why: worker-thread.cts). When this module is itself the TypeScript source (the
 * package's own tests run against src/, see the root vitest.shared.ts), it is
 * the same file in dist/; vitest's setup rebuilds dist/ first when src/ is
 * newer. Running worker-entry.ts in the threads instead would need a loader
 * in every thread, and a loader changes how task modules are imported, which
 * is part of what the tests check.
 */
export const WORKER_ENTRY: string = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/executors/worker/worker-thread.cjs', import.meta.url).href
  : new URL('./worker-thread.cjs', import.meta.url).href;
