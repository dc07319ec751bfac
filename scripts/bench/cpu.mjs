import { readFileSync } from 'node:fs';
import { Process, TaskDependency, WorkerPool, Task, workerTask } from 'processes-js';
const T = new URL('file:///work/wt/chain/scripts/bench/fixtures/bench-tasks.js');
const length = 2000;
const ticks = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' '); return +f[11] + +f[12]; };
const allTicks = () => { const f = readFileSync(`/proc/self/stat`, 'utf8').split(') ')[1].split(' '); return +f[11] + +f[12]; };
const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
const p = new Process(Array.from({ length }, (_, i) => i === 0 ? new Task('c0', workerTask(T, 'add'), { args: [0, 1] }) :
  new Task(`c${i}`, workerTask(T, 'add'), { args: [1], dependencies: [new TaskDependency(`c${i-1}`, { useResultAsAdditionalArgs: true })] })));
for (let r = 0; r < 5; r++) await p.run({ pool, parallel: true });
const runs = +(process.argv[2] ?? 40);
const t0 = ticks(), a0 = allTicks(), w0 = performance.now(); const before = pool.sent.messages;
for (let r = 0; r < runs; r++) await p.run({ pool, parallel: true });
const main = (ticks() - t0) * 10_000 / (runs * length), all = (allTicks() - a0) * 10_000 / (runs * length);
console.log(`main CPU ${main.toFixed(1)} µs/task, all threads ${all.toFixed(1)} µs/task, wall ${((performance.now() - w0) * 1000 / (runs * length)).toFixed(1)} µs/task, msgs/run ${(pool.sent.messages - before) / runs}`);
await pool.close();
