import { afterAll, describe, expect, it } from 'vitest';
import { Process, Task, WorkerPool, workerTask } from '../dist/index.js';

const pool = new WorkerPool({ maxThreads: 1 });
afterAll(() => pool.close());

const SECRETS = ['hunter2', 'Bearer abc', 'sk-live-1', 'cookie-v'];

/** The shape axios, got and undici attach to the errors they throw. */
function httpClientError(): Error {
  const error = Object.assign(new Error('Request failed with status code 401'), {
    password: 'hunter2',
    config: {
      url: 'https://api.example.com/orders',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'sk-live-1', Accept: 'application/json' },
      auth: { username: 'ana', password: 'hunter2' },
    },
    response: { status: 401, headers: { 'set-cookie': 'cookie-v' } },
  });
  error.cause = Object.assign(new Error('inner'), { token: 'sk-live-1' });
  return error;
}

describe('redaction covers error properties in the report JSON', () => {
  it('own properties of a thrown error, nested and in its cause and aggregated errors, are [redacted]', async () => {
    const p = new Process([
      new Task('fetch', () => {
        throw httpClientError();
      }),
      new Task('many', () => {
        throw new AggregateError([httpClientError()], 'all failed');
      }),
    ]);
    const report = await p.run();
    const text = JSON.stringify(report);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const doc = JSON.parse(text);
    const thrown = doc.entries.fetch.error.thrown;
    expect(thrown.props).toEqual({
      password: '[redacted]',
      config: {
        url: 'https://api.example.com/orders',
        headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', Accept: 'application/json' },
        auth: { username: 'ana', password: '[redacted]' },
      },
      response: { status: 401, headers: { 'set-cookie': '[redacted]' } },
    });
    expect(thrown.cause.props).toEqual({ token: '[redacted]' });
    expect(doc.entries.many.error.thrown.errors[0].props.config.auth.password).toBe('[redacted]');
    // In the process the values are the task's own data, unredacted (nothing has left the process).
    expect(report.entries.get('fetch')?.error?.thrown.props?.['password']).toBe('hunter2');
  });

  it('an error thrown in a worker thread is redacted the same way, with the process’s own names', async () => {
    const module = new URL('./fixtures/tasks.js', import.meta.url);
    const p = new Process([new Task('remote', workerTask(module, 'throwWithProps'))], { redact: ['internalId'] });
    const report = await p.run({ pool });
    const doc = JSON.parse(JSON.stringify(report));
    expect(doc.entries.remote.error.thrown.props).toEqual({
      internalId: '[redacted]',
      config: { headers: { authorization: '[redacted]' } },
      visible: 'yes',
    });
  });

  it('errors inside args and kwargs have their properties redacted too; results are not redacted', async () => {
    const p = new Process([
      new Task(
        'apply',
        () => {
          throw new Error('no');
        },
        { args: [httpClientError()], kwargs: { previous: httpClientError() } },
      ),
      new Task('result', () => ({ password: 'the user’s own data' })),
    ]);
    const doc = JSON.parse(JSON.stringify(await p.run()));
    expect(doc.entries.apply.args[0].password).toBe('[redacted]');
    expect(doc.entries.apply.kwargs.previous.config.headers.Authorization).toBe('[redacted]');
    expect(doc.entries.apply.error.args[0].config.auth.password).toBe('[redacted]');
    expect(doc.entries.result.result).toEqual({ password: 'the user’s own data' });
  });
});
