import { Task, type TaskOptions, workerTask } from '../../dist/index.js';

export const TASKS_MODULE = new URL('../fixtures/tasks.js', import.meta.url);
export const TYPED_TASKS_MODULE = new URL('../fixtures/typed-tasks.ts', import.meta.url);
export const BROKEN_MODULE = new URL('../fixtures/broken-module.js', import.meta.url);

/** A Task running an export of test/fixtures/tasks.js on a worker thread. */
export function workerFixture(name: string, exportName: string, options?: TaskOptions): Task {
  return new Task(name, workerTask(TASKS_MODULE, exportName), options);
}
