// The thread side of `processes validate`'s worker task check: the only file
// the throwaway thread loads. It imports each module the way a worker of the
// pool does (importTaskModule: TypeScript through tsx), so whatever a module
// does at its top level happens here, never on the CLI's main thread; the
// main side terminates the thread when it has the answers.
import { parentPort, workerData } from 'node:worker_threads';
import { importTaskModule } from 'processes-core/internal';
import { syntaxErrorLocation } from '../syntax-location.js';
import type { CheckMessage, CheckRequest, ImportFailure } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('module-check-thread.js runs in a worker thread only');
const post = (message: CheckMessage): void => port.postMessage(message);
// A module's stray callback that throws later (a timer, a dropped promise) is no answer about the module
// being imported then; the pool's threads treat it as a late error too. The thread is terminated soon anyway.
process.on('uncaughtException', () => {});
process.on('unhandledRejection', () => {});

for (const { moduleUrl, exportNames } of (workerData as CheckRequest).modules) {
  post({ kind: 'loading', moduleUrl });
  let namespace: Record<string, unknown> | undefined;
  let failure: ImportFailure | undefined;
  try {
    namespace = await importTaskModule(moduleUrl);
  } catch (error) {
    failure = failureOf(error);
  }
  const exports: Record<string, string> = {};
  for (const name of exportNames) {
    exports[name] = namespace && Object.hasOwn(namespace, name) ? typeof namespace[name] : 'missing';
  }
  post({ kind: 'module', moduleUrl, failure, exports, available: namespace ? Object.keys(namespace) : [] });
}
post({ kind: 'done' });

function failureOf(error: unknown): ImportFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  return {
    name: typeof e['name'] === 'string' ? e['name'] : 'Error',
    message: typeof e['message'] === 'string' ? e['message'] : String(error),
    code: typeof e['code'] === 'string' ? e['code'] : undefined,
    location: syntaxErrorLocation(error),
  };
}
