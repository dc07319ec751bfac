import * as email from 'processes-channel-email';
import * as webhook from 'processes-channel-webhook';
import * as core from 'processes-core';
import * as html from 'processes-report-html';
import { describe, expect, it } from 'vitest';
import * as processes from '../dist/index.js';

describe('the processes package', () => {
  it.each([
    ['processes-core', core],
    ['processes-report-html', html],
    ['processes-channel-email', email],
    ['processes-channel-webhook', webhook],
  ])('re-exports every runtime export of %s, as the same object', (_name, source) => {
    for (const [name, value] of Object.entries(source)) {
      expect(processes, `missing export ${name}`).toHaveProperty(name);
      expect((processes as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('runs a pipeline through its public entry', async () => {
    const { Process, Task, TaskDependency } = processes;
    const process = new Process([
      new Task('load', () => [1, 2, 3]),
      new Task('sum', (values: number[]) => values.reduce((a, b) => a + b, 0), {
        dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })],
      }),
    ]);
    const report = await process.run();
    expect(report.successes.get('sum')?.result).toBe(6);
  });
});

describe('the subpaths of the processes package', () => {
  it.each([
    ['processes-js/core', 'processes-core'],
    ['processes-js/html', 'processes-report-html'],
    ['processes-js/email', 'processes-channel-email'],
    ['processes-js/webhook', 'processes-channel-webhook'],
    ['processes-js/cli', 'processes-cli'],
    ['processes-js/bullmq', 'processes-executor-bullmq'],
    ['processes-js/cache-redis', 'processes-cache-redis'],
  ])('%s re-exports every runtime export of %s, as the same object', async (subpath, source) => {
    const [entry, original] = await Promise.all([import(subpath), import(source)]);
    expect(Object.keys(entry).sort()).toEqual(Object.keys(original).sort());
    for (const [name, value] of Object.entries(original)) expect(entry[name], name).toBe(value);
  });
});
