import { Queue, QueueEvents } from 'bullmq';
import { Process, WorkerPool } from 'processes-js';
import { BullMQExecutor } from 'processes-js/bullmq';
import { benchTask } from './fixtures.js';
import { type BenchOptions, type BenchResult, median, round, timed } from './measure.js';
import { BENCH_ROOT, BenchFleet, processCpuMs, redisServerMissing } from './redis-fleet.js';
import { calibrate } from './speedup.js';

function skipped(scope: string, title: string): BenchResult {
  return {
    scope,
    title,
    value: 0,
    unit: 'x',
    figure: 'skipped',
    baseline: 'skipped',
    target: 'report',
    meetsTarget: true,
    checks: {},
    details: { skipped: 'redis-server not installed (apt-get install -y redis-server)' },
  };
}

/**
 * Per-task overhead of a no-op worker task, one at a time: on a BullMQ
 * fleet of one worker process vs the local pool, and vs a raw BullMQ
 * `add` + `waitUntilFinished` round trip to a plain BullMQ worker.
 * Interleaved in rounds (which side goes first alternates), medians: on a
 * shared machine, one long block per side measured each side under
 * whatever load its block happened to meet.
 */
export async function distributedOverhead({ quick }: BenchOptions): Promise<BenchResult> {
  const title = 'no-op worker task, one at a time: distributed per-task time / raw BullMQ add+wait (and / local pool)';
  if (redisServerMissing()) return skipped('distributed-overhead', title);
  const rounds = quick ? 3 : 5;
  const tasks = quick ? 10 : 60;
  const fleet = new BenchFleet();
  const pool = new WorkerPool({ maxThreads: 1, minThreads: 1 });
  try {
    await fleet.startRedis();
    await fleet.startWorker('processes', 'bench', 1);
    await fleet.startWorker('raw', 'raw', 1);
    const executor = new BullMQExecutor({ connection: fleet.url, queue: 'bench', root: BENCH_ROOT });
    const connection = { host: '127.0.0.1', port: fleet.port, maxRetriesPerRequest: null };
    const raw = new Queue('raw', { connection });
    const rawEvents = new QueueEvents('raw', { connection });
    await rawEvents.waitUntilReady();
    const process = new Process(Array.from({ length: tasks }, (_, i) => benchTask(`noop${i}`, 'noop')));
    try {
      const rawRound = async () => {
        for (let i = 0; i < tasks; i++) {
          const job = await raw.add('noop', {}, { removeOnComplete: { count: 100 } });
          await job.waitUntilFinished(rawEvents);
        }
      };
      // Warm up every path once, then measure them interleaved.
      await process.run({ pool, parallel: false });
      await process.run({ executors: [executor], parallel: false });
      await rawRound();
      const local: number[] = [];
      const distributed: number[] = [];
      const rawMs: number[] = [];
      let allSucceeded = true;
      const cpu = { distributed: new CpuTally(fleet, 'processes:bench'), raw: new CpuTally(fleet, 'raw:raw') };
      const distributedRound = async () => {
        const timing = await cpu.distributed.during(() =>
          timed(() => process.run({ executors: [executor], parallel: false })),
        );
        allSucceeded &&= timing.value.ok;
        distributed.push(timing.ms);
      };
      for (let r = 0; r < rounds; r++) {
        const timing = await timed(() => process.run({ pool, parallel: false }));
        allSucceeded &&= timing.value.ok;
        local.push(timing.ms);
        if (r % 2 === 0) await distributedRound();
        rawMs.push((await cpu.raw.during(() => timed(rawRound))).ms);
        if (r % 2 === 1) await distributedRound();
      }
      const perTask = (ms: number) => ms / tasks;
      const ratio = median(distributed) / median(rawMs);
      return {
        scope: 'distributed-overhead',
        title,
        value: round(ratio),
        unit: 'x',
        figure: `${round(perTask(median(distributed)), 3)} ms/task distributed`,
        baseline: `raw BullMQ add+wait ${round(perTask(median(rawMs)), 3)} ms/task`,
        target: '<= 1.5',
        meetsTarget: ratio <= 1.5,
        checks: { allSucceeded },
        details: {
          tasks: tasks * rounds,
          rounds,
          distributedMsPerTask: round(perTask(median(distributed)), 3),
          rawBullmqMsPerTask: round(perTask(median(rawMs)), 3),
          localPoolMsPerTask: round(perTask(median(local)), 3),
          vsLocalPool: round(median(distributed) / median(local)),
          roundRatios: distributed.map((ms, i) => round(ms / (rawMs[i] as number))).join(' '),
          ...cpu.distributed.perTask('distributedCpuMsPerTask', tasks * rounds),
          ...cpu.raw.perTask('rawCpuMsPerTask', tasks * rounds),
        },
      };
    } finally {
      await process.close();
      await executor.close();
      await rawEvents.close();
      await raw.close();
    }
  } finally {
    await pool.close();
    await fleet.stop();
  }
}

/**
 * CPU time the parties of one side used while it ran (Linux: /proc): the
 * coordinator (this process), redis-server and that side's worker process.
 * On 2 shared cores a round trip's time follows the work of all three, so
 * this says where a difference in time per task comes from.
 */
class CpuTally {
  readonly #fleet: BenchFleet;
  readonly #worker: string;
  coordinatorMs = 0;
  redisMs = 0;
  workerMs = 0;
  #available = true;

  constructor(fleet: BenchFleet, worker: string) {
    this.#fleet = fleet;
    this.#worker = worker;
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    const before = this.#sample();
    const coordinator = process.cpuUsage();
    const value = await work();
    const used = process.cpuUsage(coordinator);
    const after = this.#sample();
    if (before === null || after === null) this.#available = false;
    else {
      this.coordinatorMs += (used.user + used.system) / 1000;
      this.redisMs += after.redis - before.redis;
      this.workerMs += after.worker - before.worker;
    }
    return value;
  }

  /** `{ name: 'coordinator a, redis b, worker c' }` in ms per task, or nothing where CPU time cannot be read. */
  perTask(name: string, tasks: number): Record<string, string> {
    if (!this.#available) return {};
    const each = (ms: number) => round(ms / tasks, 3);
    return {
      [name]: `coordinator ${each(this.coordinatorMs)}, redis ${each(this.redisMs)}, worker process ${each(this.workerMs)}`,
    };
  }

  #sample(): { redis: number; worker: number } | null {
    const redis = processCpuMs(this.#fleet.pids.get('redis') ?? 0);
    const worker = processCpuMs(this.#fleet.pids.get(this.#worker) ?? 0);
    return redis === null || worker === null ? null : { redis, worker };
  }
}

/** CPU-bound worker tasks on 2 worker processes of 1 thread each vs on 1: speed-up. */
export async function distributedSpeedup({ quick }: BenchOptions): Promise<BenchResult> {
  const tasks = quick ? 4 : 8;
  const taskMs = quick ? 100 : 250;
  const title = `${tasks} CPU-bound tasks of ~${taskMs} ms on a BullMQ fleet: 2 worker processes x 1 thread vs 1, speed-up`;
  if (redisServerMissing()) return skipped('distributed-speedup', title);
  const rounds = calibrate(taskMs);
  const fleet = new BenchFleet();
  try {
    await fleet.startRedis();
    await fleet.startWorker('processes', 'speedup', 1);
    const executor = new BullMQExecutor({ connection: fleet.url, queue: 'speedup', root: BENCH_ROOT });
    const process = new Process(
      Array.from({ length: tasks }, (_, i) => benchTask(`burn${i}`, 'burn', { args: [rounds] })),
    );
    try {
      const run = () => process.run({ executors: [executor], parallel: true, maxWorkers: tasks });
      await run(); // warm up
      const one = await timed(run);
      await fleet.startWorker('processes', 'speedup', 1);
      await run(); // the new worker's thread and module load
      const two = await timed(run);
      const ratio = one.ms / two.ms;
      const workersUsed = new Set([...two.value.entries.values()].map((e) => e.workerId?.replace(/:\d+$/, ''))).size;
      return {
        scope: 'distributed-speedup',
        title,
        value: round(ratio),
        unit: 'x',
        figure: `2 workers ${round(two.ms, 1)} ms`,
        baseline: `1 worker ${round(one.ms, 1)} ms`,
        target: '>= 1.8',
        meetsTarget: ratio >= 1.8,
        checks: { allSucceeded: one.value.ok && two.value.ok, bothWorkersUsed: workersUsed === 2 },
        details: { oneWorkerMs: round(one.ms, 1), twoWorkersMs: round(two.ms, 1), roundsPerTask: rounds },
      };
    } finally {
      await process.close();
      await executor.close();
    }
  } finally {
    await fleet.stop();
  }
}
