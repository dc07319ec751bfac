/**
 * The file piscina's threads load (its `filename`); the thread's code is
 * worker-entry.ts, imported from here. Piscina first `require`s its filename
 * and only imports it when that throws. On Node 20.19+ `require` of an ES
 * module links the module's whole graph synchronously, and a thread
 * terminated during that step (a cancelled attempt, a timeout, a pool
 * destroyed while threads start) aborts the whole process with a V8 fatal
 * error (`Module::IsGraphAsync must be used on an instantiated module`).
 * Requiring this CommonJS file instead keeps every thread on the asynchronous
 * ES loader, which a terminated thread leaves cleanly; it also saves each
 * thread linking the graph twice (worker-entry.ts has a top-level await, so
 * the synchronous attempt always failed).
 *
 * Piscina awaits `exports[name]`, so the handlers can be promises.
 */
const entry = import('./worker-entry.js');

module.exports = {
  runAttempt: entry.then((loaded) => loaded.runAttempt),
  runBatch: entry.then((loaded) => loaded.runBatch),
};
