import type { NotifyOutcome } from 'processes-core';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { WebhookChannel, WebhookDeliveryError } from '../dist/index.js';
import { sampleReport } from './fixtures/reports.js';
import { closedPort, type Reply, startWebhookServer, type WebhookServer } from './fixtures/webhook-server.js';

const SECRET = 'whsec-delivery-secret';
let server: WebhookServer | undefined;
let warn: MockInstance<typeof process.emitWarning>;

beforeEach(() => {
  warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
});

afterEach(async () => {
  warn.mockRestore();
  await server?.close();
  server = undefined;
});

async function serve(replies: Reply[]) {
  server = await startWebhookServer(replies, { secret: SECRET });
  return server;
}

function failure(outcome: NotifyOutcome | undefined): WebhookDeliveryError {
  expect(outcome).toMatchObject({ channel: 'WebhookChannel', ok: false });
  const error = (outcome as { error: Error }).error;
  expect(error).toBeInstanceOf(WebhookDeliveryError);
  return error as WebhookDeliveryError;
}

function expectWarning(text: string) {
  expect(warn).toHaveBeenCalledTimes(1);
  const [message, options] = warn.mock.calls[0] ?? [];
  expect(message).toMatch(/^WebhookChannel failed to send report: /);
  expect(message).toContain(text);
  expect(options).toMatchObject({ code: 'PROC_CHANNEL_FAILED' });
}

/** Nothing secret reaches the error: not the secret, not the URL's path or query. */
function expectNoSecrets(error: Error) {
  for (const text of [error.message, error.stack ?? '', String(warn.mock.calls[0]?.[0] ?? '')]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('s3cr3t-path-token');
    expect(text).not.toContain('/hooks/etl');
  }
}

describe('delivery', () => {
  it('500 then 200: delivered on the retry, same delivery id, each attempt signed', async () => {
    const { url, requests } = await serve([{ status: 500 }, { status: 200 }]);
    const channel = new WebhookChannel({ url, secret: SECRET, retryDelayMs: 20 });
    const outcomes = await sampleReport().notify([channel]);

    expect(outcomes).toEqual([
      {
        channel: 'WebhookChannel',
        ok: true,
        sent: true,
        receipt: { attempts: 2, status: 200, deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    ]);
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.verification?.ok)).toBe(true);
    expect(requests[1]?.headers['x-webhook-delivery-id']).toBe(requests[0]?.headers['x-webhook-delivery-id']);
    expect(requests[1]?.body.equals(requests[0]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('429 with Retry-After: waits as long as the server asks', async () => {
    const { url, requests } = await serve([{ status: 429, headers: { 'Retry-After': '1' } }]);
    const channel = new WebhookChannel({ url, secret: SECRET, retryDelayMs: 10 });
    const outcomes = await sampleReport().notify([channel]);

    expect(outcomes[0]).toMatchObject({ ok: true, receipt: { attempts: 2, status: 200 } });
    expect(requests).toHaveLength(2);
    // The backoff alone would have waited 10 ms.
    expect((requests[1]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('a Retry-After beyond maxRetryAfterMs waits only the cap', async () => {
    const { url, requests } = await serve([{ status: 503, headers: { 'Retry-After': '3600' } }]);
    const channel = new WebhookChannel({ url, secret: SECRET, maxRetryAfterMs: 50 });
    const outcomes = await sampleReport().notify([channel]);

    expect(outcomes[0]).toMatchObject({ ok: true, receipt: { attempts: 2, status: 200 } });
    expect((requests[1]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeLessThan(20_000);
  });

  it('400 is not retried: one attempt, a failed outcome and a warning', async () => {
    const { url, requests } = await serve([{ status: 400, body: 'entries: expected an object' }]);
    const channel = new WebhookChannel({ url, secret: SECRET, retryDelayMs: 10 });
    const outcomes = await sampleReport().notify([channel]);

    const error = failure(outcomes[0]);
    expect(requests).toHaveLength(1);
    expect(error).toMatchObject({
      code: 'PROC_WEBHOOK_DELIVERY_FAILED',
      reason: 'http-status',
      attempts: 1,
      status: 400,
      retryable: false,
      origin: new URL(url).origin,
      responseText: 'entries: expected an object',
    });
    expect(error.message).toBe(
      `Could not deliver the report to ${new URL(url).origin} (1 attempt): the server answered HTTP 400 Bad Request, which is not retried (only 5xx and 429 are).`,
    );
    expectWarning('HTTP 400 Bad Request');
    expectNoSecrets(error);
  });

  it('gives up after maxAttempts of 5xx, saying how many attempts and the last status', async () => {
    const { url, requests } = await serve([{ status: 500 }, { status: 502 }, { status: 503 }]);
    const channel = new WebhookChannel({
      url,
      secret: SECRET,
      maxAttempts: 3,
      retryDelayMs: { initialMs: 5, factor: 2, maxMs: 20 },
    });
    const outcomes = await sampleReport().notify([channel]);

    const error = failure(outcomes[0]);
    expect(requests).toHaveLength(3);
    expect(error).toMatchObject({ reason: 'http-status', attempts: 3, status: 503, retryable: true });
    expect(error.message).toBe(
      `Could not deliver the report to ${new URL(url).origin} (3 attempts): the server answered HTTP 503 Service Unavailable.`,
    );
    expectWarning('(3 attempts)');
    expectNoSecrets(error);
  });

  it('a server that never answers: each attempt is bounded by timeoutMs', async () => {
    const { url, requests } = await serve(['hang', 'hang']);
    const channel = new WebhookChannel({ url, secret: SECRET, timeoutMs: 250, maxAttempts: 2, retryDelayMs: 0 });
    const started = Date.now();
    const outcomes = await sampleReport().notify([channel]);
    const elapsed = Date.now() - started;

    const error = failure(outcomes[0]);
    expect(requests).toHaveLength(2);
    expect(error).toMatchObject({ reason: 'timeout', attempts: 2, status: null, retryable: true });
    expect(error.message).toBe(
      `Could not deliver the report to ${new URL(url).origin} (2 attempts): no answer within timeoutMs (250 ms).`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(15_000);
    expectWarning('no answer within timeoutMs');
  });

  it('connection refused: retried, then a network failure naming the error code', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/hooks/etl?token=s3cr3t-path-token`;
    const channel = new WebhookChannel({ url, secret: SECRET, maxAttempts: 2, retryDelayMs: 10 });
    const outcomes = await sampleReport().notify([channel]);

    const error = failure(outcomes[0]);
    expect(error).toMatchObject({ reason: 'network', attempts: 2, status: null, retryable: true });
    expect(error.message).toMatch(
      new RegExp(`^Could not deliver the report to http://127\\.0\\.0\\.1:${port} \\(2 attempts\\): .*ECONNREFUSED`),
    );
    expect(error.cause).toBeInstanceOf(TypeError);
    expectWarning('ECONNREFUSED');
    expectNoSecrets(error);
  });

  it('does not follow redirects: a 3xx fails the send', async () => {
    const { url, requests } = await serve([{ status: 302, headers: { Location: '/elsewhere' } }]);
    const outcomes = await sampleReport().notify([new WebhookChannel({ url, secret: SECRET })]);

    expect(failure(outcomes[0])).toMatchObject({ reason: 'http-status', status: 302, attempts: 1, retryable: false });
    expect(requests).toHaveLength(1);
  });

  it('any 2xx is a delivery', async () => {
    const { url } = await serve([{ status: 202, body: 'queued' }]);
    const outcomes = await sampleReport().notify([new WebhookChannel({ url, secret: SECRET })]);
    expect(outcomes[0]).toMatchObject({ ok: true, receipt: { attempts: 1, status: 202 } });
  });

  it('a failed webhook does not stop the next channel', async () => {
    const { url } = await serve([]);
    const refused = new WebhookChannel({ url: `http://127.0.0.1:${await closedPort()}/`, maxAttempts: 1 });
    const outcomes = await sampleReport().notify([refused, new WebhookChannel({ url, secret: SECRET })]);

    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(server?.requests).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('showWarnings: false keeps the failed outcome but emits no warning', async () => {
    const { url } = await serve([{ status: 404 }]);
    const outcomes = await sampleReport().notify([new WebhookChannel({ url, secret: SECRET })], {
      showWarnings: false,
    });
    expect(failure(outcomes[0]).status).toBe(404);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('the signal', () => {
  it('aborting stops an attempt in flight, well before timeoutMs', async () => {
    const { url, requests } = await serve(['hang']);
    const channel = new WebhookChannel({ url, secret: SECRET, timeoutMs: 60_000 });
    const started = Date.now();
    const outcomes = await sampleReport().notify([channel], { signal: AbortSignal.timeout(200) });

    const error = failure(outcomes[0]);
    expect(error).toMatchObject({ reason: 'aborted', attempts: 1, status: null, retryable: false });
    expect(error.message).toMatch(/\(1 attempt\): the send was aborted: /);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(requests).toHaveLength(1);
  });

  it('aborting stops the wait before a retry, keeping the last status', async () => {
    // The 500's body is longer than the 1 KiB the client keeps and never ends:
    // only the client can close it, once it has the status and its KiB. When
    // the server sees that, the attempt is over and only the wait is left.
    const { url, requests } = await serve([{ status: 500, body: 'x'.repeat(4096), open: true }]);
    const channel = new WebhookChannel({ url, secret: SECRET, retryDelayMs: 60_000 });
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => {
      const poll = (): void => void (requests.length > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    const sending = channel.send(sampleReport(), { onlyErrors: false, signal: controller.signal });
    await arrived;
    expect(await requests[0]?.responded).toBe(false);
    controller.abort(new Error('shutting down'));

    const error = await sending.then(
      () => expect.unreachable(),
      (e: unknown) => e as WebhookDeliveryError,
    );
    expect(error).toMatchObject({ reason: 'aborted', attempts: 1, status: 500 });
    expect(error.message).toMatch(/\(1 attempt\): the send was aborted: shutting down\.$/);
    expect(error.cause).toEqual(new Error('shutting down'));
    expect(requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const { url, requests } = await serve([]);
    const channel = new WebhookChannel({ url, secret: SECRET });
    const outcomes = await sampleReport().notify([channel], { signal: AbortSignal.abort() });
    expect(failure(outcomes[0])).toMatchObject({ reason: 'aborted', attempts: 0, status: null });
    expect(requests).toHaveLength(0);
  });
});
