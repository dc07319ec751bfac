import { Task, type TaskOptions, workerTask } from 'processes-js';

export const BENCH_TASKS = new URL('../fixtures/bench-tasks.js', import.meta.url);
export const RAW_WORKER = new URL('../fixtures/raw-worker.js', import.meta.url).href;

/** A worker task running an export of fixtures/bench-tasks.js. */
export function benchTask(name: string, exportName: string, options?: TaskOptions): Task {
  return new Task(name, workerTask(BENCH_TASKS, exportName), options);
}
