import { Process, TaskDependency, WorkerPool, Task, workerTask } from 'processes-js';
import { Piscina } from 'piscina';
const T = new URL('file:///work/wt/chain/scripts/bench/fixtures/bench-tasks.js');
const RAW = new URL('file:///work/wt/chain/scripts/bench/fixtures/raw-worker.js').href;
const length = 2000;
const pool = new WorkerPool({ maxThreads: 2, minThreads: 2 });
const raw = new Piscina({ filename: RAW, maxThreads: 2, minThreads: 2 });
const p = new Process(Array.from({ length }, (_, i) => i === 0 ? new Task('c0', workerTask(T, 'add'), { args: [0, 1] }) :
  new Task(`c${i}`, workerTask(T, 'add'), { args: [1], dependencies: [new TaskDependency(`c${i-1}`, { useResultAsAdditionalArgs: true })] })));
const e = [], r = [];
for (let k = 0; k < +(process.argv[2] ?? 15); k++) {
  let t = performance.now();
  let v = 0; for (let i = 0; i < length; i++) v = await raw.run({ op: 'add', args: [v, 1] });
  r.push(performance.now() - t);
  t = performance.now();
  await p.run({ pool, parallel: true });
  e.push(performance.now() - t);
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log('engine med', med(e.slice(3)).toFixed(1), 'min', Math.min(...e).toFixed(1), 'raw med', med(r.slice(3)).toFixed(1), 'min', Math.min(...r).toFixed(1), 'ratio', (med(r.slice(3)) / med(e.slice(3))).toFixed(2));
await pool.close(); await raw.destroy();
