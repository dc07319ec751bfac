import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProcessExecutionReport, type ReportChannel, TaskStatus } from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const report = new ProcessExecutionReport({
  entries: [{ name: 'a', function: 'a', args: [], kwargs: {}, status: TaskStatus.SUCCESS, elapsedMs: 1, attempts: 1 }],
});

class LoudChannel implements ReportChannel {
  get name(): string {
    throw new Error('name getter exploded');
  }
  send(): unknown {
    return 'delivered';
  }
}

describe('notify() never rejects because of a channel', () => {
  it('a name getter that throws: the class name stands in, and the channel is still called', async () => {
    const outcomes = await report.notify([new LoudChannel()]);
    expect(outcomes).toEqual([{ channel: 'LoudChannel', ok: true, sent: true, receipt: 'delivered' }]);
  });

  it('a name getter that throws on a plain object, with onlyErrors and nothing errored', async () => {
    const channel = {
      get name(): string {
        throw new Error('no');
      },
      send: () => undefined,
    };
    expect(await report.notify([channel], { onlyErrors: true })).toEqual([
      { channel: 'Object', ok: true, sent: false },
    ]);
  });

  it('a send that throws synchronously, one that returns a non-promise, one that is not a function', async () => {
    const warnings = captureWarnings();
    const outcomes = await report.notify([
      {
        name: 'sync-throw',
        send: () => {
          throw new Error('at once');
        },
      },
      { name: 'plain', send: () => 42 },
      { name: 'not-callable', send: 'nope' } as unknown as ReportChannel,
    ]);
    expect(outcomes).toMatchObject([
      { channel: 'sync-throw', ok: false, error: { message: 'at once' } },
      { channel: 'plain', ok: true, sent: true, receipt: 42 },
      { channel: 'not-callable', ok: false },
    ]);
    expect(warnings.map((w) => (w.options as { code: string }).code)).toEqual([
      'PROC_CHANNEL_FAILED',
      'PROC_CHANNEL_FAILED',
    ]);
  });

  it('an error whose message getter throws still becomes an outcome and a warning', async () => {
    const warnings = captureWarnings();
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('message getter');
      },
    });
    const outcomes = await report.notify([
      {
        name: 'hostile',
        send: () => Promise.reject(hostile),
      },
    ]);
    expect(outcomes).toEqual([{ channel: 'hostile', ok: false, error: hostile }]);
    expect(String(warnings[0]?.message)).toContain('hostile failed to send report: <unreadable:');
  });

  it('a send that never settles and ignores its signal: notify() settles after the abort grace', async () => {
    captureWarnings();
    const controller = new AbortController();
    let called!: () => void;
    const sendCalled = new Promise<void>((resolve) => {
      called = resolve;
    });
    const pending = report.notify(
      [
        {
          name: 'stuck',
          send: () => {
            called();
            return new Promise(() => {});
          },
        },
        { name: 'next', send: () => 'ok' },
      ],
      { signal: controller.signal },
    );
    await sendCalled;
    controller.abort(new Error('gave up waiting'));
    const outcomes = await pending;
    // A channel that settles within the grace keeps its own outcome, even after the abort.
    expect(outcomes).toMatchObject([
      { channel: 'stuck', ok: false, error: { message: 'gave up waiting' } },
      { channel: 'next', ok: true, sent: true, receipt: 'ok' },
    ]);
  });
});
