// The one test of the build as users get it. Every other test runs against
// src/ (see the root vitest.shared.ts); this one starts a plain Node process
// in which `import 'processes-js'` resolves through the package's `exports` to
// dist/, and runs a pipeline with a worker task, so the built worker entry is
// located from the built pool as in an installed copy.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TASKS = new URL('./fixtures/built-tasks.js', import.meta.url).href;

const SCRIPT = `
import { Process, Task, TaskDependency, workerTask } from 'processes-js';
const resolved = import.meta.resolve('processes-js');
const process_ = new Process([
  new Task('load', workerTask(${JSON.stringify(TASKS)}, 'load')),
  new Task('sum', (values) => values.reduce((a, b) => a + b, 0), {
    dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })],
  }),
]);
const report = await process_.run({ maxWorkers: 1 });
await process_.close();
console.log(JSON.stringify({ resolved, ok: report.ok, sum: report.entries.get('sum')?.result,
  threadId: report.entries.get('load')?.threadId }));
`;

describe('the built package', () => {
  it('imports from dist/ through its exports and runs worker tasks there', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result['resolved']).toMatch(/\/packages\/processes\/dist\/index\.js$/);
    expect(result).toMatchObject({ ok: true, sum: 6 });
    expect(result['threadId']).toBeGreaterThan(0);
  });

  it('exports the BullMQ executor as the subpath processes-js/bullmq', () => {
    const script = `
      const bullmq = await import('processes-js/bullmq');
      console.log(JSON.stringify({ resolved: import.meta.resolve('processes-js/bullmq'),
        executor: typeof bullmq.BullMQExecutor, worker: typeof bullmq.startWorker, code: bullmq.WorkerLostError.code }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result).toEqual({
      resolved: expect.stringMatching(/\/packages\/processes\/dist\/bullmq\.js$/),
      executor: 'function',
      worker: 'function',
      code: 'PROC_BULLMQ_WORKER_LOST',
    });
  });
});
