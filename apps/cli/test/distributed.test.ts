// `processes worker` and `processes run --redis`: two worker processes of
// the CLI and a coordinator, on a real redis-server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ProcessExecutionReport } from 'processes-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, fixture, runProcesses, tempDir } from './helpers/cli.js';

const REDIS = 'redis-server';
const missing =
  spawnSync(REDIS, ['--version']).status === 0
    ? null
    : 'redis-server not found: install it with `apt-get install -y redis-server`';
if (missing) console.log(missing);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe.skipIf(missing !== null)('processes worker and run --redis', () => {
  let redis: ChildProcess;
  let url = '';
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    redis.stdout?.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      redis.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Ready to accept connections')) resolve();
      });
    });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.allSettled(workers.map((worker) => worker.exited));
    if (redis && redis.exitCode === null) {
      const exited = once(redis, 'exit');
      process.kill(-(redis.pid as number), 'SIGKILL');
      await exited;
    }
  });

  it('runs the pipeline’s worker tasks on the workers and keeps function tasks local', async () => {
    const root = fixture('distributed');
    for (let i = 0; i < 2; i++) {
      const worker = new CliProcess(['worker', '--redis', url, '--queue', 'cli', '--threads', '1', '--root', root]);
      workers.push(worker);
      await worker.waitFor('stdout', /taking jobs from queue "cli"/);
    }
    const dir = tempDir();
    const json = join(dir, 'report.json');
    const { code, stdout, stderr } = await runProcesses(
      ['run', 'pipeline.js', '--redis', url, '--queue', 'cli', '--json', json],
      { cwd: root },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('worker tasks on queue "cli"');
    const report = ProcessExecutionReport.fromJSON(readFileSync(json, 'utf8'));
    expect(report.entries.get('total')?.result).toBe(13);
    expect(report.entries.get('announce')).toMatchObject({ result: 'total is 13', workerId: 'main' });
    const ids = workers.map((worker) => /processes worker (\S+):/.exec(worker.stdout)?.[1]);
    for (const name of ['square_2', 'square_3', 'total']) {
      const where = report.entries.get(name)?.workerId ?? '';
      expect(ids).toContain(where.replace(/:\d+$/, ''));
    }

    // SIGTERM: the worker finishes and exits 0.
    const last = workers.pop() as CliProcess;
    last.child.kill('SIGTERM');
    const result = await last.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stopped');
  });

  it('--queue without --redis is a usage error', async () => {
    const { code, stderr } = await runProcesses(['run', 'ok.js', '--queue', 'q']);
    expect(code).toBe(2);
    expect(stderr).toContain('--queue needs --redis');
  });

  it('worker without --redis is a usage error', async () => {
    const { code, stderr } = await runProcesses(['worker']);
    expect(code).toBe(2);
    expect(stderr).toContain('Missing --redis URL');
  });

  it('a worker with its Redis gone finishes on SIGTERM anyway, and exits 0', async () => {
    const port = await freePort();
    const own = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      detached: true,
      stdio: 'ignore',
    });
    const ownUrl = `redis://127.0.0.1:${port}`;
    let worker: CliProcess | undefined;
    for (;;) {
      worker = new CliProcess(['worker', '--redis', ownUrl, '--threads', '1', '--connect-timeout-ms', '2000']);
      const result = await Promise.race([
        worker.waitFor('stdout', /taking jobs/).then(() => 'started'),
        worker.exited.then(() => 'exited'),
      ]);
      if (result === 'started') break;
      // redis-server was not listening yet: the worker said so and exited; try again.
    }
    const killed = once(own, 'exit');
    process.kill(-(own.pid as number), 'SIGKILL');
    await killed;
    worker.child.kill('SIGTERM');
    const { code, stdout } = await worker.exited;
    expect(code).toBe(0);
    expect(stdout).toContain('stopped');
  });
});

describe('processes worker: before it takes jobs', () => {
  it('exits 2 with a typed error when Redis cannot be reached in --connect-timeout-ms', async () => {
    const port = await freePort();
    const { code, stderr } = await runProcesses([
      'worker',
      '--redis',
      `redis://127.0.0.1:${port}`,
      '--connect-timeout-ms',
      '300',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('RedisConnectionError');
    expect(stderr).toContain(`could not connect to Redis at 127.0.0.1:${port}`);
    expect(stderr).not.toContain('left');
  });

  it('exits 2 naming the problem for a malformed URL, a missing --root, and a bad --connect-timeout-ms', async () => {
    const bad = await runProcesses(['worker', '--redis', 'redis://127.0.0.1:99999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected `connection` to be a redis:// or rediss:// URL');
    const root = await runProcesses(['worker', '--redis', 'redis://127.0.0.1:1', '--root', 'no/such/dir']);
    expect(root.code).toBe(2);
    expect(root.stderr).toContain('expected `root` to be an existing directory');
    const timeout = await runProcesses(['worker', '--redis', 'redis://127.0.0.1:1', '--connect-timeout-ms', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('Expected --connect-timeout-ms to be a whole number >= 1, got "soon"');
  });

  it('--no-worker-timeout-ms and --prefix of run need --redis', async () => {
    for (const flag of ['--no-worker-timeout-ms', '--prefix']) {
      const { code, stderr } = await runProcesses(['run', 'ok.js', flag, '5']);
      expect(code).toBe(2);
      expect(stderr).toContain(`${flag} needs --redis`);
    }
  });
});
