// A remote task's log lines reach its log file on the coordinator while it
// runs (within a reconcile interval), in order, each once.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, TaskStatus } from 'processes-core';
import { describe, expect, it } from 'vitest';
import { remote } from './fixtures/graph.js';
import { redisMissing } from './fixtures/redis-server.js';
import { useRedis } from './fixtures/setup.js';
import { waitFor } from './fixtures/wait-for.js';

const missing = redisMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== null)('remote log lines', () => {
  const env = useRedis();

  it('reach the task’s log file while it runs, and each line is written once, in order', async () => {
    const queue = 'logs-live';
    await env.workers(1, { queue, threads: 1 });
    const executor = env.executor({ queue });
    const dir = await mkdtemp(join(tmpdir(), 'processes-bullmq-logs-'));
    const [release, finish] = [join(dir, 'release'), join(dir, 'finish')];
    const logPath = join(dir, 'talks.log');
    await using process = new Process([remote('talks', 'logsAround', { args: [release, finish], logPath })]);
    const run = process.run({ executors: [executor] });
    const messages = async () =>
      (await readFile(logPath, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
    // The task is still waiting for `release`: this line came while it ran.
    await waitFor('the first line in the file', async () => (await messages()).includes('before the wait'));
    await writeFile(release, '');
    await waitFor('the second line in the file', async () => (await messages()).includes('after the wait'));
    await writeFile(finish, '');
    const report = await run;
    expect(report.entries.get('talks')?.status).toBe(TaskStatus.SUCCESS);
    await process.close();
    const lines = (await messages()).filter((msg) => msg.endsWith('the wait'));
    expect(lines).toEqual(['before the wait', 'after the wait']);
  });
});
