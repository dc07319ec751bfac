import { Process, ProcessExecutionReport, ReportContent, Task, TaskDependency } from 'processes-core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebhookPayload, type ContentFlags, WEBHOOK_SCHEMA_VERSION, WebhookChannel } from '../dist/index.js';
import { cleanReport, sampleReport } from './fixtures/reports.js';
import { startWebhookServer, type WebhookServer } from './fixtures/webhook-server.js';

let server: WebhookServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function received(
  report: ProcessExecutionReport,
  config: Partial<ConstructorParameters<typeof WebhookChannel>[0]> = {},
  content?: ContentFlags | 'full' | 'trace' | 'min',
  onlyErrors = false,
) {
  server = await startWebhookServer();
  const channel = new WebhookChannel({ url: server.url, ...config }, content);
  const outcomes = await report.notify([channel], { onlyErrors });
  expect(outcomes).toMatchObject([{ ok: true, sent: true }]);
  expect(server.requests).toHaveLength(1);
  const request = server.requests[0];
  if (!request) throw new Error('no request');
  return request;
}

describe('the payload', () => {
  it('has the seed shape and key order, plus schema_version', async () => {
    const { method, json, body } = await received(sampleReport());
    expect(method).toBe('POST');
    expect(Object.keys(json)).toEqual(['process_name', 'entries', 'schema_version']);
    expect(json.schema_version).toBe(WEBHOOK_SCHEMA_VERSION);
    expect(json.process_name).toBe('nightly-etl');
    expect(Object.keys(json.entries)).toEqual(['load', 'stats', 'apply', 'notify']);
    expect(Object.keys(json.entries.load)).toEqual(['status', 'function', 'elapsed_seconds', 'attempts', 'result']);
    expect(Object.keys(json.entries.apply)).toEqual(['status', 'function', 'elapsed_seconds', 'attempts', 'error']);
    expect(Object.keys(json.entries.notify)).toEqual(['status', 'function', 'elapsed_seconds', 'attempts']);
    expect(json.entries).toEqual({
      load: {
        status: 'success',
        function: 'load',
        elapsed_seconds: 0.037,
        attempts: 1,
        result: { k: 1, rows: [1, 2] },
      },
      stats: {
        status: 'success',
        function: 'stats',
        elapsed_seconds: 1.5,
        attempts: 2,
        result: "Map(1) { 'mean' => 25n }",
      },
      apply: {
        status: 'errored',
        function: 'applyFactor',
        elapsed_seconds: 0.005,
        attempts: 1,
        error: {
          exception: 'apply failed: factor must be positive',
          downstream_impact: ['notify'],
          traceback: 'TypeError: apply failed: factor must be positive\n    at applyFactor (/etl/p1.ts:6:11)',
          traced_vars: { data: '{ k: 1 }', factor: '-3' },
          traced_vars_location: '/etl/p1.ts:6',
          error_name: 'TypeError',
        },
      },
      notify: { status: 'skipped', function: 'notify', elapsed_seconds: 0, attempts: 0 },
    });
    expect(Object.keys(json.entries.apply.error)).toEqual([
      'exception',
      'downstream_impact',
      'traceback',
      'traced_vars',
      'traced_vars_location',
      'error_name',
    ]);
    // The body on the wire is exactly JSON.stringify of the payload buildWebhookPayload describes.
    expect(body.toString('utf8')).toBe(JSON.stringify(buildWebhookPayload(sampleReport())));
  });

  it('sends results as JSON when they are plain JSON, as readable strings otherwise', () => {
    class Order {
      id = 7;
    }
    const cyclic: { a: number; self?: unknown } = { a: 1 };
    cyclic.self = cyclic;
    const results: [unknown, unknown][] = [
      ['ok', 'ok'],
      [0, 0],
      [null, null],
      [undefined, null],
      [false, false],
      [{ a: [1, { b: 'c' }], skipped: undefined }, { a: [1, { b: 'c' }] }],
      [Object.assign(Object.create(null), { x: 1 }), { x: 1 }],
      [[1, undefined], '[ 1, undefined ]'],
      [Number.NaN, 'NaN'],
      [12n, '12n'],
      [new Set([1, 2]), 'Set(2) { 1, 2 }'],
      [new Order(), 'Order { id: 7 }'],
      [new Date(0), '1970-01-01T00:00:00.000Z'],
      [{ when: new Date(0) }, '{ when: 1970-01-01T00:00:00.000Z }'],
      [cyclic, '<ref *1> { a: 1, self: [Circular *1] }'],
      [
        Object.defineProperty({}, 'boom', {
          enumerable: true,
          get() {
            throw new Error('nope');
          },
        }),
        '{ boom: [Getter] }',
      ],
    ];
    for (const [result, expected] of results) {
      const report = new ProcessExecutionReport({
        entries: [
          { name: 't', function: 't', args: [], kwargs: {}, status: 'success', elapsedMs: 1, attempts: 1, result },
        ],
      });
      const payload = buildWebhookPayload(report) as { entries: { t: { result: unknown } } };
      expect(payload.entries.t.result, String(expected)).toEqual(expected);
    }
  });

  it('keeps a task named __proto__ as an entry', () => {
    const report = new ProcessExecutionReport({
      entries: [
        { name: '__proto__', function: 'f', args: [], kwargs: {}, status: 'success', elapsedMs: 1, attempts: 1 },
      ],
    });
    const text = JSON.stringify(buildWebhookPayload(report, { extraPayload: JSON.parse('{"__proto__":{"x":1}}') }));
    expect(JSON.parse(text)).toEqual(
      JSON.parse(
        '{"process_name":"","entries":{"__proto__":{"status":"success","function":"f","elapsed_seconds":0.001,"attempts":1,"result":null}},"schema_version":2,"__proto__":{"x":1}}',
      ),
    );
    expect(text).toContain('"entries":{"__proto__":');
    expect(text.endsWith(',"__proto__":{"x":1}}')).toBe(true);
  });

  it('nests under nestUnder, with extraPayload keys top-level and winning', async () => {
    const { json } = await received(sampleReport(), {
      nestUnder: 'report',
      extraPayload: { source: 'etl-box', report: 'extra wins', tags: ['nightly'], when: new Date(0) },
    });
    expect(Object.keys(json)).toEqual(['report', 'source', 'tags', 'when']);
    expect(json.report).toBe('extra wins');
    expect(json.source).toBe('etl-box');
    expect(json.tags).toEqual(['nightly']);
    expect(json.when).toBe('1970-01-01T00:00:00.000Z');
  });

  it('nests the whole report object, schema_version included', async () => {
    const { json } = await received(sampleReport(), { nestUnder: 'report', extraPayload: { source: 'etl-box' } });
    expect(Object.keys(json)).toEqual(['report', 'source']);
    expect(Object.keys(json.report)).toEqual(['process_name', 'entries', 'schema_version']);
    expect(Object.keys(json.report.entries)).toEqual(['load', 'stats', 'apply', 'notify']);
  });

  it('is flat for nestUnder "" or null, and an extra "entries" replaces the real ones (the seed precedence)', async () => {
    const { json } = await received(sampleReport(), { nestUnder: '', extraPayload: { entries: 'replaced' } });
    expect(json).toEqual({ process_name: 'nightly-etl', entries: 'replaced', schema_version: 2 });
    await server?.close();
    const again = await received(sampleReport(), { nestUnder: null, extraPayload: { channel: '#ops' } });
    expect(Object.keys(again.json)).toEqual(['process_name', 'entries', 'schema_version', 'channel']);
  });

  it('copies extraPayload at construction: later changes to the object are not sent', async () => {
    server = await startWebhookServer();
    const extraPayload = { n: 1 };
    const channel = new WebhookChannel({ url: server.url, extraPayload });
    extraPayload.n = 2;
    await channel.send(sampleReport(), { onlyErrors: false });
    expect(server.requests[0]?.json.n).toBe(1);
  });

  it('errors-only sends only the errored entries', async () => {
    const { json } = await received(sampleReport(), {}, undefined, true);
    expect(Object.keys(json.entries)).toEqual(['apply']);
    expect(json.entries.apply.status).toBe('errored');
  });

  it('errors-only sends nothing when nothing errored', async () => {
    server = await startWebhookServer();
    const outcomes = await cleanReport().notify([new WebhookChannel({ url: server.url })], { onlyErrors: true });
    expect(outcomes).toEqual([{ channel: 'WebhookChannel', ok: true, sent: false }]);
    expect(server.requests).toHaveLength(0);
  });

  it('errors-only after the tasks filter sends the filtered errored entries', async () => {
    server = await startWebhookServer();
    const channel = new WebhookChannel({ url: server.url });
    await sampleReport().notify([channel], { onlyErrors: true, tasks: ['APPLY', 'load'] });
    expect(Object.keys(server.requests[0]?.json.entries)).toEqual(['apply']);
  });

  it.each([
    ['full', ['exception', 'downstream_impact', 'traceback', 'traced_vars', 'traced_vars_location', 'error_name']],
    ['trace', ['exception', 'downstream_impact', 'traceback', 'error_name']],
    ['min', ['exception', 'downstream_impact', 'error_name']],
  ] as const)('content preset %s sends %j', async (preset, keys) => {
    const { json } = await received(sampleReport(), {}, preset);
    expect(Object.keys(json.entries.apply.error)).toEqual(keys);
    expect(json.entries.load.result).toEqual({ k: 1, rows: [1, 2] });
  });

  it('takes any { showTraceback, showTracedVars } object and keeps it as is', async () => {
    const content = { showTraceback: false, showTracedVars: true };
    server = await startWebhookServer();
    const channel = new WebhookChannel({ url: server.url }, content);
    expect(channel.content).toBe(content);
    expect(new WebhookChannel({ url: server.url }).content).toBe(ReportContent.full);
    expect(new WebhookChannel({ url: server.url }, 'min').content).toBe(ReportContent.min);
    await channel.send(sampleReport(), { onlyErrors: true });
    expect(Object.keys(server.requests[0]?.json.entries.apply.error)).toEqual([
      'exception',
      'downstream_impact',
      'traced_vars',
      'traced_vars_location',
      'error_name',
    ]);
  });

  it('leaves out traced_vars when none were captured, and keeps an empty traceback', () => {
    const base = sampleReport().entries.get('apply');
    if (!base?.error) throw new Error('fixture');
    const report = new ProcessExecutionReport({
      entries: [{ ...base, error: { ...base.error, traceback: '', tracedVars: {}, tracedVarsLocation: '' } }],
    });
    const payload = buildWebhookPayload(report) as { entries: { apply: { error: Record<string, unknown> } } };
    expect(payload.entries.apply.error).toEqual({
      exception: 'apply failed: factor must be positive',
      downstream_impact: ['notify'],
      traceback: '',
      error_name: 'TypeError',
    });
  });

  it('sends a report from a real run', async () => {
    const tasks = [
      new Task('load', () => ({ rows: [1, 2, 3] })),
      new Task(
        'apply',
        (data: { rows: number[] }) => {
          if (data.rows.length > 2) throw new RangeError(`too many rows: ${data.rows.length}`);
          return data;
        },
        { dependencies: [new TaskDependency('load', { useResultAsAdditionalArgs: true })] },
      ),
      new Task('publish', () => 'done', { dependencies: ['apply'] }),
      new Task('audit', () => new Map([['checked', true]])),
    ];
    await using p = new Process(tasks, { name: 'real-run' });
    const report = await p.run();
    const { json } = await received(report, { secret: 'k' });

    expect(json.process_name).toBe('real-run');
    expect(json.entries.load).toMatchObject({ status: 'success', attempts: 1, result: { rows: [1, 2, 3] } });
    expect(json.entries.apply).toMatchObject({
      status: 'errored',
      error: { exception: 'too many rows: 3', downstream_impact: ['publish'], error_name: 'RangeError' },
    });
    expect(json.entries.apply.error.traceback).toContain('RangeError: too many rows: 3');
    expect(json.entries.publish).toEqual({
      status: 'skipped',
      function: '<anonymous>',
      elapsed_seconds: 0,
      attempts: 0,
    });
    expect(json.entries.audit.result).toBe("Map(1) { 'checked' => true }");
    expect(typeof json.entries.load.elapsed_seconds).toBe('number');
  });
});

describe('request headers', () => {
  it('sends JSON with a delivery id; user headers are merged and win, Content-Type included', async () => {
    const { headers } = await received(sampleReport(), {
      headers: { Authorization: 'Bearer t0k3n', 'content-type': 'application/vnd.etl+json', 'X-Source': 'etl' },
    });
    expect(headers['content-type']).toBe('application/vnd.etl+json');
    expect(headers.authorization).toBe('Bearer t0k3n');
    expect(headers['x-source']).toBe('etl');
    expect(headers['x-webhook-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers).not.toHaveProperty('x-signature-sha256');
    expect(headers).not.toHaveProperty('x-signature-timestamp');
  });

  it('sends Latin-1 and tab characters in a header value as they are', async () => {
    const { headers } = await received(cleanReport(), { headers: { 'X-Site': 'Zürich\tcafé' } });
    expect(headers['x-site']).toBe('Zürich\tcafé');
  });

  it('defaults to application/json', async () => {
    const { headers } = await received(cleanReport());
    expect(headers['content-type']).toBe('application/json');
  });

  it('the signature overrides a user header of the same name (any case) when there is a secret', async () => {
    const { headers } = await received(cleanReport(), {
      secret: 's',
      headers: { 'x-signature-sha256': 'mine', 'X-Signature-Timestamp': '1' },
    });
    expect(headers['x-signature-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(headers['x-signature-timestamp']).not.toBe('1');
  });

  it('keeps a user signature header when there is no secret, as the seed does', async () => {
    const { headers } = await received(cleanReport(), { headers: { 'X-Signature-SHA256': 'mine' } });
    expect(headers['x-signature-sha256']).toBe('mine');
  });
});
