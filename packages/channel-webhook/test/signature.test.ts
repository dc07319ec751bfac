import { createHmac } from 'node:crypto';
import { InvalidOptionError } from 'processes-core';
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS, WebhookChannel } from '../dist/index.js';
import { sampleReport } from './fixtures/reports.js';
import { startWebhookServer, type WebhookServer } from './fixtures/webhook-server.js';

const SECRET = 'whsec-test-0123456789';
let server: WebhookServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function hmac(secret: string, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

describe('signed deliveries', () => {
  it('the receiver verifies the signature with the exported helper', async () => {
    server = await startWebhookServer([], { secret: SECRET });
    const channel = new WebhookChannel({ url: server.url, secret: SECRET });
    const outcomes = await sampleReport().notify([channel]);

    expect(outcomes).toEqual([
      {
        channel: 'WebhookChannel',
        ok: true,
        sent: true,
        receipt: expect.objectContaining({ attempts: 1, status: 200 }),
      },
    ]);
    const [request] = server.requests;
    expect(request?.verification).toEqual({ ok: true, timestamp: expect.any(Number) });
    // Seed-compatible: the plain signature is the lower-case hex HMAC-SHA256 of the exact body bytes.
    expect(request?.headers['x-signature-sha256']).toBe(hmac(SECRET, request?.body ?? Buffer.alloc(0)));
    expect(request?.headers['x-signature-sha256']).toMatch(/^[0-9a-f]{64}$/);
    // The replay-protected one covers `<timestamp>.<body>`.
    const stamp = String(request?.headers['x-signature-timestamp']);
    expect(stamp).toMatch(/^\d+$/);
    expect(Math.abs(Number(stamp) * 1000 - Date.now())).toBeLessThan(60_000);
    expect(request?.headers['x-signature-timestamped-sha256']).toBe(
      hmac(SECRET, Buffer.concat([Buffer.from(`${stamp}.`), request?.body ?? Buffer.alloc(0)])),
    );
    // Both modes accept the genuine request.
    expect(verifyWebhookSignature(request?.body ?? '', request?.headers ?? {}, SECRET)).toEqual({ ok: true });
  });

  it('a tampered body fails verification, in both modes', async () => {
    server = await startWebhookServer();
    await new WebhookChannel({ url: server.url, secret: SECRET }).send(sampleReport(), { onlyErrors: false });
    const [request] = server.requests;
    const tampered = Buffer.from(request?.body.toString('utf8').replace('"nightly-etl"', '"nightly-etX"') ?? '');
    expect(tampered.equals(request?.body ?? Buffer.alloc(0))).toBe(false);

    expect(verifyWebhookSignature(tampered, request?.headers ?? {}, SECRET)).toEqual({
      ok: false,
      reason: 'bad-signature',
      header: 'X-Signature-SHA256',
      message: 'X-Signature-SHA256 does not match the body: it was changed, or signed with another secret.',
    });
    expect(verifyWebhookSignature(tampered, request?.headers ?? {}, SECRET, { toleranceMs: 60_000 })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      header: 'X-Signature-Timestamped-SHA256',
    });
    expect(verifyWebhookSignature(request?.body ?? '', request?.headers ?? {}, 'another-secret')).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('a receiver with a secret answers 401 to an unsigned sender, and notify reports it', async () => {
    server = await startWebhookServer([], { secret: SECRET });
    const channel = new WebhookChannel({ url: server.url, maxAttempts: 3 });
    const outcomes = await sampleReport().notify([channel], { showWarnings: false });

    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'PROC_WEBHOOK_DELIVERY_FAILED', status: 401 } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.verification).toMatchObject({ ok: false, reason: 'missing-header' });
    expect(server.requests[0]?.headers).not.toHaveProperty('x-signature-sha256');
  });

  it('rejects a stale timestamp: a captured request replayed later', async () => {
    server = await startWebhookServer();
    await new WebhookChannel({ url: server.url, secret: SECRET }).send(sampleReport(), { onlyErrors: false });
    const [request] = server.requests;
    const body = request?.body ?? Buffer.alloc(0);
    const headers = request?.headers ?? {};
    const signedAtMs = Number(headers['x-signature-timestamp']) * 1000;

    expect(verifyWebhookSignature(body, headers, SECRET, { toleranceMs: 300_000, now: signedAtMs + 299_000 })).toEqual({
      ok: true,
      timestamp: signedAtMs / 1000,
    });
    expect(verifyWebhookSignature(body, headers, SECRET, { toleranceMs: 300_000, now: signedAtMs + 600_000 })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
      header: 'X-Signature-Timestamp',
      message: 'X-Signature-Timestamp is 600 s old, beyond the tolerance of 300000 ms.',
    });
    expect(
      verifyWebhookSignature(body, headers, SECRET, { toleranceMs: 300_000, now: new Date(signedAtMs - 600_000) }),
    ).toMatchObject({ ok: false, reason: 'stale-timestamp', message: expect.stringContaining('600 s in the future') });
    // Moving the timestamp forward to look fresh breaks the timestamped signature instead.
    const moved = { ...headers, 'x-signature-timestamp': String(signedAtMs / 1000 + 600) };
    expect(
      verifyWebhookSignature(body, moved, SECRET, { toleranceMs: 300_000, now: signedAtMs + 600_000 }),
    ).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    // Without a tolerance only the seed's body signature is checked: no replay protection.
    expect(verifyWebhookSignature(body, headers, SECRET, { now: signedAtMs + 600_000 })).toEqual({ ok: true });
  });

  it('says which header is missing or malformed', () => {
    const body = '{"process_name":"x"}';
    const signed = signWebhookBody(body, SECRET, { now: 1_700_000_000_000 });
    const opts = { toleranceMs: 60_000, now: 1_700_000_000_000 };
    expect(verifyWebhookSignature(body, signed, SECRET, opts)).toEqual({ ok: true, timestamp: 1_700_000_000 });
    expect(verifyWebhookSignature(body, {}, SECRET)).toEqual({
      ok: false,
      reason: 'missing-header',
      header: 'X-Signature-SHA256',
      message: 'The request has no X-Signature-SHA256 header.',
    });
    const { [WEBHOOK_HEADERS.timestamp]: _t, ...noStamp } = signed;
    expect(verifyWebhookSignature(body, noStamp, SECRET, opts)).toMatchObject({
      reason: 'missing-header',
      header: 'X-Signature-Timestamp',
    });
    const { [WEBHOOK_HEADERS.timestampedSignature]: _s, ...noSig } = signed;
    expect(verifyWebhookSignature(body, noSig, SECRET, opts)).toMatchObject({
      reason: 'missing-header',
      header: 'X-Signature-Timestamped-SHA256',
    });
    expect(
      verifyWebhookSignature(body, { ...signed, [WEBHOOK_HEADERS.timestamp]: '1.7e9' }, SECRET, opts),
    ).toMatchObject({ reason: 'malformed-header', header: 'X-Signature-Timestamp' });
  });

  it('reads fetch Headers, node:http arrays and any header case; accepts upper-case hex', () => {
    const body = Buffer.from('{"é":"ü"}');
    const signed = signWebhookBody(body, SECRET);
    const opts = { toleranceMs: 60_000 };
    expect(verifyWebhookSignature(body, new Headers(signed), SECRET, opts)).toMatchObject({ ok: true });
    const shouting = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v.toUpperCase()]));
    expect(verifyWebhookSignature(body, shouting, SECRET, opts)).toMatchObject({ ok: true });
    expect(verifyWebhookSignature(body.toString('utf8'), signed, SECRET, opts)).toMatchObject({ ok: true });
    // A repeated header is joined, as node:http does, and no longer matches.
    const repeated = { ...signed, [WEBHOOK_HEADERS.signature]: [signed['X-Signature-SHA256'] ?? '', 'beef'] };
    expect(verifyWebhookSignature(body, repeated, SECRET)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhookSignature(body, { [WEBHOOK_HEADERS.signature]: 'short' }, SECRET)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('throws a typed error for bad arguments, never showing the secret', () => {
    expect(() => verifyWebhookSignature({} as never, {}, SECRET)).toThrow(
      'verifyWebhookSignature: expected `body` to be a string or a Uint8Array (the raw body), got an object (Object)',
    );
    expect(() => verifyWebhookSignature('', null as never, SECRET)).toThrow(InvalidOptionError);
    expect(() => verifyWebhookSignature('', {}, '')).toThrow(
      'verifyWebhookSignature: expected `secret` to be a non-empty string, got an empty string (the value is not shown)',
    );
    expect(() => verifyWebhookSignature('', {}, SECRET, { toleranceMs: -1 })).toThrow(
      'verifyWebhookSignature: expected `toleranceMs` to be a finite number >= 0, got `-1` (number)',
    );
    expect(() => verifyWebhookSignature('', {}, SECRET, { tolerance: 5 } as never)).toThrow(
      /unknown option `tolerance`. Did you mean `toleranceMs`\?/,
    );
    try {
      verifyWebhookSignature('', {}, 4242 as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toBe(
        'verifyWebhookSignature: expected `secret` to be a non-empty string, got a number (the value is not shown)',
      );
      expect((error as Error).stack).not.toContain('4242');
      expect((error as InvalidOptionError).received).toBe('[hidden]');
    }
  });
});
