import { describe, expect, it } from 'vitest';
import { Process, Task } from '../dist/index.js';

// A main-thread task's value settles its attempt at once when it is a
// primitive, and through Promise.resolve otherwise (main-thread-executor.ts).
describe('what a main-thread task returns', () => {
  it('is its result for every kind of primitive, sequential and parallel', async () => {
    const symbol = Symbol('s');
    const values: unknown[] = [0, '', 'text', null, undefined, true, 10n, symbol, Number.NaN];
    const process = new Process(values.map((value, i) => new Task(`v${i}`, () => value)));
    for (const parallel of [false, true]) {
      const report = await process.run({ parallel });
      expect(report.ok).toBe(true);
      values.forEach((value, i) => {
        expect(report.entries.get(`v${i}`)?.result).toBe(value);
      });
    }
  });

  it("reads a returned object's `then` once, and waits for a thenable", async () => {
    let reads = 0;
    const plain = {
      // biome-ignore lint/suspicious/noThenProperty: the executor must read a returned object's `then` once.
      get then() {
        reads++;
        return undefined;
      },
    };
    // biome-ignore lint/suspicious/noThenProperty: a thenable the attempt waits for.
    const thenable = { then: (resolve: (value: string) => void) => resolve('from then') };
    const report = await new Process([new Task('plain', () => plain), new Task('thenable', () => thenable)]).run();
    expect(report.entries.get('plain')?.result).toBe(plain);
    expect(reads).toBe(1);
    expect(report.entries.get('thenable')?.result).toBe('from then');
  });

  it('fails the attempt when reading `then` throws', async () => {
    const hostile = {
      // biome-ignore lint/suspicious/noThenProperty: a `then` getter that throws fails the attempt.
      get then(): never {
        throw new Error('no then for you');
      },
    };
    const report = await new Process([new Task('hostile', () => hostile)]).run();
    expect(report.entries.get('hostile')).toMatchObject({ status: 'errored' });
    expect(report.entries.get('hostile')?.error?.exception).toBe('no then for you');
  });

  it('reports a synchronous throw as the failure, after the task started', async () => {
    const events: string[] = [];
    const report = await new Process([
      new Task('throws', () => {
        throw new RangeError('sync');
      }),
    ]).run({ onEvent: (event) => events.push(event.type) });
    expect(report.entries.get('throws')?.error?.errorName).toBe('RangeError');
    expect(events).toEqual(['run:started', 'task:started', 'task:failed', 'run:finished']);
  });
});
