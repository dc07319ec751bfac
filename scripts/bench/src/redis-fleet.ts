// What the distributed benchmarks run on: their own redis-server (a free
// port of 127.0.0.1, persistence off) and worker processes, all in process
// groups of their own and killed when the scenario ends.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/bench-worker.js', import.meta.url));
export const BENCH_ROOT = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function redisServerMissing(): boolean {
  return spawnSync('redis-server', ['--version']).status !== 0;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function ready(child: ChildProcess, pattern: RegExp): Promise<void> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => pattern.test(line) && resolve());
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

export class BenchFleet {
  readonly #children: ChildProcess[] = [];
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startRedis(): Promise<void> {
    this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.#children.push(child);
    await ready(child, /Ready to accept connections/);
  }

  async startWorker(mode: 'processes' | 'raw', queue: string, threads = 1): Promise<void> {
    const child = spawn(process.execPath, [WORKER, mode, String(this.port), queue, String(threads), BENCH_ROOT], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#children.push(child);
    await ready(child, /^ready$/);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.reverse().map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
      }),
    );
  }
}
