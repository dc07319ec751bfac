// What the distributed benchmarks run on: their own redis-server (a free
// port of 127.0.0.1, persistence off) and worker processes, all in process
// groups of their own and killed when the scenario ends.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
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

/** CPU time (user + system, ms, all threads) a process has used so far; null where /proc is not there (not Linux). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ is 100 on every Linux build Node.js supports.
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

export class BenchFleet {
  readonly #children: ChildProcess[] = [];
  /** The process ids of redis-server and each worker, by role ('redis', 'processes' or 'raw' and the queue). */
  readonly pids = new Map<string, number>();
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
    this.pids.set('redis', child.pid as number);
    await ready(child, /Ready to accept connections/);
  }

  async startWorker(mode: 'processes' | 'raw', queue: string, threads = 1): Promise<void> {
    const child = spawn(process.execPath, [WORKER, mode, String(this.port), queue, String(threads), BENCH_ROOT], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#children.push(child);
    this.pids.set(`${mode}:${queue}`, child.pid as number);
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
