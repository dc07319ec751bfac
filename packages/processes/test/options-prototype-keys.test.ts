import { describe, expect, it } from 'vitest';
import {
  EmailChannel,
  HTMLEmailStyle,
  Process,
  ProcessExecutionReport,
  ReportContent,
  renderReportHtml,
  SMTPConfig,
  Task,
  TaskDependency,
  UnknownOptionError,
  verifyWebhookSignature,
  WebhookChannel,
  WorkerPool,
} from '../dist/index.js';

// Every key Object.prototype has (toString, constructor, valueOf,
// hasOwnProperty, __proto__, __defineGetter__, …), for every options type:
// each must be an unknown option, and the hint must never be an inherited
// value (the old "did you mean `function toString() { [native code] }`").
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

const report = new ProcessExecutionReport({ entries: [] });
const SMTP = { host: 'smtp.example.test', from: 'etl@example.test', to: 'ops@example.test' };
const fn = () => 1;

/** Each options type, as a function of extra keys merged into a valid options object. */
const OPTION_TYPES: Record<string, (extra: Record<string, unknown>) => unknown> = {
  Task: (extra) => new Task('t', fn, extra as never),
  TaskDependency: (extra) => new TaskDependency('t', extra as never),
  Process: (extra) => new Process([], extra as never),
  'run()': async (extra) => new Process([]).run(extra as never),
  WorkerPool: (extra) => new WorkerPool({ minThreads: 0, ...extra } as never),
  'Task.retryDelayMs': (extra) => new Task('t', fn, { retryDelayMs: { initialMs: 1, ...extra } } as never),
  ReportContent: (extra) => new ReportContent(extra as never),
  'report.notify()': async (extra) => report.notify([], extra as never),
  SMTPConfig: (extra) => new SMTPConfig({ ...SMTP, ...extra } as never),
  'SMTPConfig.auth': (extra) => new SMTPConfig({ ...SMTP, auth: { user: 'u', pass: 'p', ...extra } } as never),
  'EmailChannel content': (extra) => new EmailChannel(SMTP, undefined, extra as never),
  HTMLEmailStyle: (extra) => new HTMLEmailStyle(extra as never),
  WebhookConfig: (extra) => new WebhookChannel({ url: 'https://hooks.example.test/x', ...extra } as never),
  renderReportHtml: (extra) => renderReportHtml(report, extra as never),
  verifyWebhookSignature: (extra) => verifyWebhookSignature('{}', {}, 'secret', extra as never),
};

/** An object whose own key is `key`, also for `__proto__` (which a literal would make the prototype). */
function withOwnKey(key: string): Record<string, unknown> {
  return JSON.parse(`{${JSON.stringify(key)}: 1}`) as Record<string, unknown>;
}

async function thrownBy(make: () => unknown): Promise<unknown> {
  try {
    await make();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('options named like Object.prototype members', () => {
  it.each(Object.keys(OPTION_TYPES))('%s: every such key is an unknown option with an honest hint', async (type) => {
    const make = OPTION_TYPES[type] as (extra: Record<string, unknown>) => unknown;
    for (const key of PROTOTYPE_KEYS) {
      // Spread copies own keys, so `{ ...base, ...withOwnKey('__proto__') }` keeps `__proto__` own.
      const error = await thrownBy(() => make(withOwnKey(key)));
      // ReportContent inside EmailChannel is checked by ReportContent, which names its own key.
      expect(error, `${type} { ${key} }`).toBeInstanceOf(UnknownOptionError);
      const message = (error as Error).message;
      expect(message, `${type} { ${key} }`).toContain(`unknown option \``);
      expect(message).toContain(key);
      expect(message).not.toMatch(/native code|function /);
    }
  });

  it('a bad EmailChannel content names the content argument, not ReportContent.preset', () => {
    expect(() => new EmailChannel(SMTP, undefined, 'maximal' as never)).toThrow(
      'EmailChannel: expected `content` to be a ReportContent, "full", "trace", "min" or { showTraceback, showTracedVars }, got `"maximal"` (string)',
    );
  });

  it('a polluted Object.prototype is not read as a given option', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['timeoutMs'] = -1;
    proto['maxThreads'] = 0;
    try {
      expect(new Task('t', fn, {}).timeoutMs).toBeNull();
      expect(() => new WorkerPool({ minThreads: 0 }).destroy()).not.toThrow();
    } finally {
      delete proto['timeoutMs'];
      delete proto['maxThreads'];
    }
  });
});
