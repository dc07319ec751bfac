// A worker whose copy of a task's module differs from the coordinator's
// refuses the job with a typed error naming the task and both hashes; it
// never runs the wrong code.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Process, Task, TaskStatus, WorkerModuleLoadError, workerTask } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { CodeMismatchError, ModuleOutsideRootError } from '../dist/index.js';
import { TASKS_ROOT } from './fixtures/fleet.js';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';

const missing = redisMissing();
if (missing) console.log(missing);

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe.skipIf(missing !== null)('code identity', () => {
  const env = useRedis();

  it('a worker with different code refuses the job, naming the task and both hashes', async () => {
    const queue = 'other-code';
    const otherRoot = await mkdtemp(join(tmpdir(), 'processes-bullmq-code-'));
    const original = await readFile(join(TASKS_ROOT, 'tasks.mjs'));
    const changed = `${original.toString()}\n// deployed a day later\n`;
    await writeFile(join(otherRoot, 'tasks.mjs'), changed);
    const [worker] = await env.workers(1, { queue, root: otherRoot });
    const executor = env.executor({ queue });
    await using process = new Process([
      remote('sum', 'add', { args: [1, 2] }),
      remote('after', 'add', { args: [1, 2], dependencies: ['sum'] }),
    ]);
    const report = await process.run({ executors: [executor] });
    const entry = report.entries.get('sum');
    expect(entry?.status).toBe(TaskStatus.ERRORED);
    expect(entry?.error?.errorName).toBe('CodeMismatchError');
    expect(entry?.error?.thrown.code).toBe(CodeMismatchError.code);
    expect(entry?.error?.exception).toBe(
      `Task "sum": worker ${worker?.id} has different code for tasks.mjs: sha256 ${sha256(changed)} there, ${sha256(original)} on the coordinator; deploy the same code to every worker.`,
    );
    expect(entry?.error?.thrown.props).toMatchObject({
      modulePath: 'tasks.mjs',
      expectedHash: sha256(original),
      actualHash: sha256(changed),
    });
    expect(report.entries.get('after')?.status).toBe(TaskStatus.SKIPPED);
  });

  it('a worker without the module says so', async () => {
    const queue = 'no-code';
    const emptyRoot = await mkdtemp(join(tmpdir(), 'processes-bullmq-empty-'));
    await env.workers(1, { queue, root: emptyRoot });
    const executor = env.executor({ queue });
    await using process = new Process([remote('sum', 'add', { args: [1, 2] })]);
    const report = await process.run({ executors: [executor] });
    expect(report.entries.get('sum')?.error?.exception).toMatch(/has no module tasks\.mjs under its --root/);
  });

  it('the same code under another root runs', async () => {
    const queue = 'same-code';
    const copyRoot = await mkdtemp(join(tmpdir(), 'processes-bullmq-copy-'));
    await copyFile(join(TASKS_ROOT, 'pure.mjs'), join(copyRoot, 'pure.mjs'));
    await env.workers(1, { queue, root: copyRoot });
    const executor = env.executor({ queue });
    const task = new Task('sum', workerTask(pathToFileURL(join(TASKS_ROOT, 'pure.mjs')), 'triple'), { args: [14] });
    await using process = new Process([task]);
    const report = await process.run({ executors: [executor] });
    expect(report.entries.get('sum')).toMatchObject({ status: TaskStatus.SUCCESS, result: 42 });
  });

  it('a module outside the coordinator’s root is a typed error before any job is sent', async () => {
    const queue = 'outside-root';
    const elsewhere = await mkdtemp(join(tmpdir(), 'processes-bullmq-root-'));
    const executor = env.executor({ queue, root: elsewhere });
    await using process = new Process([remote('sum', 'add', { args: [1, 2] })]);
    const report = await process.run({ executors: [executor] });
    const error = report.entries.get('sum')?.error;
    expect(error?.thrown.code).toBe(ModuleOutsideRootError.code);
    expect(error?.exception).toContain(`is not under the coordinator's root ${elsewhere}`);
    // No job, no id counter, no event: only the queue's own meta hash, which BullMQ writes when a Queue connects.
    const keys = await env.client.keys(`bull:${queue}:*`);
    expect(keys.filter((key) => key !== `bull:${queue}:meta`)).toEqual([]);
  });

  it('a module missing under the coordinator’s root is the load error a local run gives, and nothing is sent', async () => {
    const queue = 'missing-module';
    const executor = env.executor({ queue });
    const gone = () => [new Task('gone', workerTask(pathToFileURL(join(TASKS_ROOT, 'not-there.mjs')), 'run'))];
    await using local = new Process(gone());
    await using distributed = new Process(gone());
    const expected = (await local.run()).entries.get('gone')?.error;
    const error = (await distributed.run({ executors: [executor] })).entries.get('gone')?.error;
    expect(expected?.thrown.code).toBe(WorkerModuleLoadError.code);
    expect(error?.thrown.code).toBe(WorkerModuleLoadError.code);
    expect(error?.exception).toContain('cannot load worker module');
    expect(error?.exception).toContain('not-there.mjs');
    expect(error?.exception).toContain('ENOENT');
    expect(error?.exception).not.toContain('not under the coordinator');
    const keys = await env.client.keys(`bull:${queue}:*`);
    expect(keys.filter((key) => key !== `bull:${queue}:meta`)).toEqual([]);
  });
});
