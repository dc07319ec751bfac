import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ErrorData,
  type NotifyOutcome,
  ProcessExecutionReport,
  type ReportChannel,
  type SendOptions,
  serializeError,
  type TaskReportEntry,
  TaskStatus,
} from '../dist/index.js';
import { captureWarnings } from './helpers/warnings.js';

afterEach(() => {
  vi.restoreAllMocks();
});

interface Delivery {
  readonly channel: string;
  readonly report: ProcessExecutionReport;
  readonly options: SendOptions;
}

/** A channel that records what it was sent and resolves to `receipt`. */
function spyChannel(name: string, deliveries: Delivery[], receipt?: unknown): ReportChannel {
  return {
    name,
    send(report, options) {
      deliveries.push({ channel: name, report, options });
      return receipt;
    },
  };
}

/** A channel whose `send` fails by running `fail`. */
function brokenChannel(name: string, fail: () => unknown): ReportChannel {
  return { name, send: () => fail() };
}

function entry(name: string, status: TaskStatus, extra: Partial<TaskReportEntry> = {}): TaskReportEntry {
  return { name, function: name, args: [], kwargs: {}, status, elapsedMs: 0, attempts: 0, ...extra };
}

function errorFor(name: string, message: string): ErrorData {
  const thrown = serializeError(new Error(message));
  return {
    taskName: name,
    function: name,
    args: [],
    kwargs: {},
    downstreamImpact: [],
    exception: message,
    errorName: 'Error',
    traceback: thrown.stack ?? '',
    tracedVars: {},
    tracedVarsLocation: '',
    thrown,
  };
}

/** load ✓, Fetch_Orders ✓, apply ✗, notify skipped. */
function mixedReport(): ProcessExecutionReport {
  return new ProcessExecutionReport({
    processName: 'nightly-etl',
    entries: [
      entry('load', TaskStatus.SUCCESS, { result: 1, attempts: 1 }),
      entry('Fetch_Orders', TaskStatus.SUCCESS, { result: [], attempts: 1 }),
      entry('apply', TaskStatus.ERRORED, { attempts: 1, error: errorFor('apply', 'apply failed') }),
      entry('notify', TaskStatus.SKIPPED, { skippedBecause: 'apply' }),
    ],
  });
}

function cleanReport(): ProcessExecutionReport {
  return new ProcessExecutionReport({
    processName: 'quiet',
    entries: [entry('load', TaskStatus.SUCCESS, { result: 1, attempts: 1 })],
  });
}

describe('report.notify()', () => {
  it('calls the channels in order, one at a time, with this report', async () => {
    const report = mixedReport();
    const order: string[] = [];
    const deliveries: Delivery[] = [];
    const slow: ReportChannel = {
      name: 'slow',
      async send(sent) {
        order.push('slow:start');
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`slow:end ${sent === report}`);
      },
    };
    const spy = spyChannel('spy', deliveries);
    const outcomes = await report.notify([slow, spy]);
    order.push(...deliveries.map((d) => d.channel));
    expect(order).toEqual(['slow:start', 'slow:end true', 'spy']);
    expect(deliveries[0]?.report).toBe(report);
    expect(deliveries[0]?.options).toEqual({ onlyErrors: false });
    expect(outcomes).toEqual<NotifyOutcome[]>([
      { channel: 'slow', ok: true, sent: true },
      { channel: 'spy', ok: true, sent: true },
    ]);
  });

  it('accepts a single channel', async () => {
    const deliveries: Delivery[] = [];
    const outcomes = await mixedReport().notify(spyChannel('only', deliveries));
    expect(deliveries.map((d) => d.channel)).toEqual(['only']);
    expect(outcomes).toEqual([{ channel: 'only', ok: true, sent: true }]);
  });

  it('does nothing without channels', async () => {
    expect(await mixedReport().notify([])).toEqual([]);
  });

  it('keeps what a channel resolves to as its receipt', async () => {
    const deliveries: Delivery[] = [];
    const asyncReceipt: ReportChannel = { name: 'smtp', send: async () => ({ messageId: '<1@etl>' }) };
    const outcomes = await mixedReport().notify([
      asyncReceipt,
      spyChannel('sync', deliveries, { status: 202 }),
      spyChannel('nothing', deliveries),
    ]);
    expect(outcomes).toEqual([
      { channel: 'smtp', ok: true, sent: true, receipt: { messageId: '<1@etl>' } },
      { channel: 'sync', ok: true, sent: true, receipt: { status: 202 } },
      { channel: 'nothing', ok: true, sent: true },
    ]);
    expect(outcomes[2]).not.toHaveProperty('receipt');
  });

  it('passes its signal on to the channels', async () => {
    const deliveries: Delivery[] = [];
    const controller = new AbortController();
    await mixedReport().notify(spyChannel('spy', deliveries), { signal: controller.signal });
    expect(deliveries[0]?.options.signal).toBe(controller.signal);
  });
});

describe('the tasks filter', () => {
  it('matches names ignoring case and keeps the report’s order and keys', async () => {
    const report = mixedReport();
    const deliveries: Delivery[] = [];
    await report.notify([spyChannel('a', deliveries), spyChannel('b', deliveries)], {
      tasks: ['APPLY', 'fetch_orders', 'Load', 'nope'],
    });
    expect(deliveries).toHaveLength(2);
    const sent = deliveries[0]?.report;
    expect(sent).not.toBe(report);
    expect(sent?.processName).toBe('nightly-etl');
    expect([...(sent?.entries.keys() ?? [])]).toEqual(['load', 'Fetch_Orders', 'apply']);
    expect(sent?.entries.get('apply')).toEqual(report.entries.get('apply'));
    expect(deliveries[1]?.report).toBe(sent);
    expect(report.entries.size).toBe(4);
  });

  it('with no tasks still calls the channels, with an empty report', async () => {
    const deliveries: Delivery[] = [];
    const outcomes = await mixedReport().notify([spyChannel('spy', deliveries)], { tasks: [] });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.report.entries.size).toBe(0);
    expect(deliveries[0]?.report.processName).toBe('nightly-etl');
    expect(outcomes).toEqual([{ channel: 'spy', ok: true, sent: true }]);
  });
});

describe('onlyErrors', () => {
  it('with errors: calls every channel with onlyErrors: true and the whole report', async () => {
    const report = mixedReport();
    const deliveries: Delivery[] = [];
    const outcomes = await report.notify([spyChannel('a', deliveries), spyChannel('b', deliveries)], {
      onlyErrors: true,
    });
    expect(deliveries.map((d) => [d.channel, d.report === report, d.options.onlyErrors])).toEqual([
      ['a', true, true],
      ['b', true, true],
    ]);
    expect(outcomes.every((o) => o.ok && o.sent)).toBe(true);
  });

  it('without errors: calls no channel and says nothing was sent', async () => {
    const warnings = captureWarnings();
    const deliveries: Delivery[] = [];
    const broken = brokenChannel('broken', () => {
      throw new Error('should not be called');
    });
    const outcomes = await cleanReport().notify([spyChannel('spy', deliveries), broken], { onlyErrors: true });
    expect(deliveries).toEqual([]);
    expect(outcomes).toEqual([
      { channel: 'spy', ok: true, sent: false },
      { channel: 'broken', ok: true, sent: false },
    ]);
    expect(warnings).toEqual([]);
  });

  it('decides after the tasks filter: filtering away the errored tasks sends nothing', async () => {
    const deliveries: Delivery[] = [];
    const outcomes = await mixedReport().notify([spyChannel('spy', deliveries)], {
      onlyErrors: true,
      tasks: ['load', 'NOTIFY'],
    });
    expect(deliveries).toEqual([]);
    expect(outcomes).toEqual([{ channel: 'spy', ok: true, sent: false }]);
  });

  it('decides after the tasks filter: keeping an errored task sends the filtered report', async () => {
    const deliveries: Delivery[] = [];
    await mixedReport().notify([spyChannel('spy', deliveries)], { onlyErrors: true, tasks: ['Apply', 'load'] });
    expect(deliveries).toHaveLength(1);
    expect([...(deliveries[0]?.report.entries.keys() ?? [])]).toEqual(['load', 'apply']);
    expect(deliveries[0]?.options.onlyErrors).toBe(true);
  });
});

describe('a channel that fails', () => {
  it('gives { ok: false, error }, warns, and the remaining channels still run', async () => {
    const warnings = captureWarnings();
    const deliveries: Delivery[] = [];
    const outcomes = await mixedReport().notify([
      brokenChannel('thrower', () => {
        throw new Error('smtp down');
      }),
      spyChannel('first-spy', deliveries),
      brokenChannel('rejecter', () => Promise.reject(new TypeError('webhook refused'))),
      spyChannel('second-spy', deliveries),
    ]);
    expect(deliveries.map((d) => d.channel)).toEqual(['first-spy', 'second-spy']);
    expect(outcomes.map((o) => [o.channel, o.ok])).toEqual([
      ['thrower', false],
      ['first-spy', true],
      ['rejecter', false],
      ['second-spy', true],
    ]);
    const [thrower, , rejecter] = outcomes;
    expect(thrower?.ok === false && thrower.error).toBeInstanceOf(Error);
    expect(thrower?.ok === false && thrower.error.message).toBe('smtp down');
    expect(rejecter?.ok === false && rejecter.error).toBeInstanceOf(TypeError);

    expect(warnings.map((w) => w.message)).toEqual([
      'thrower failed to send report: smtp down',
      'rejecter failed to send report: webhook refused',
    ]);
    for (const warning of warnings) {
      expect(warning.options).toMatchObject({ type: 'ProcessesWarning', code: 'PROC_CHANNEL_FAILED' });
    }
  });

  it('emits no warning with showWarnings: false, and still reports the failure', async () => {
    const warnings = captureWarnings();
    const outcomes = await mixedReport().notify(
      brokenChannel('quiet', () => {
        throw new Error('nope');
      }),
      { showWarnings: false },
    );
    expect(warnings).toEqual([]);
    expect(outcomes).toMatchObject([{ channel: 'quiet', ok: false, error: { message: 'nope' } }]);
  });

  it('turns a thrown non-Error into an Error', async () => {
    const warnings = captureWarnings();
    const outcomes = await mixedReport().notify([
      brokenChannel('stringly', () => {
        throw 'connection refused';
      }),
      brokenChannel('nothing', () => Promise.reject(undefined)),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.message))).toEqual(['connection refused', 'undefined']);
    expect(outcomes.every((o) => !o.ok && o.error instanceof Error)).toBe(true);
    expect(warnings.map((w) => w.message)).toEqual([
      'stringly failed to send report: connection refused',
      'nothing failed to send report: undefined',
    ]);
  });

  it('never makes notify reject, whatever the channel does', async () => {
    captureWarnings();
    const trap = () => {
      throw new Error('trapped');
    };
    const hostile = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap });
    const deliveries: Delivery[] = [];
    const outcomes = await mixedReport().notify([
      brokenChannel('hostile', () => Promise.reject(hostile)),
      { name: 'no-send' } as unknown as ReportChannel,
      spyChannel('last', deliveries),
    ]);
    expect(outcomes.map((o) => [o.channel, o.ok])).toEqual([
      ['hostile', false],
      ['no-send', false],
      ['last', true],
    ]);
    expect(outcomes[0]?.ok === false && outcomes[0].error).toBeInstanceOf(Error);
    expect(deliveries).toHaveLength(1);
  });
});
