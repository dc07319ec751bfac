import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkValue, described, type Parsed, parseOptions, type ShapeOf } from 'processes-core/internal';
import { z } from 'zod';

/** The header names a `WebhookChannel` sends (matched ignoring case on receipt). */
export const WEBHOOK_HEADERS: Readonly<{
  signature: 'X-Signature-SHA256';
  timestamp: 'X-Signature-Timestamp';
  timestampedSignature: 'X-Signature-Timestamped-SHA256';
  deliveryId: 'X-Webhook-Delivery-Id';
}> = Object.freeze({
  /** Hex HMAC-SHA256 of the body bytes: the Python library's signature. */
  signature: 'X-Signature-SHA256',
  /** Unix time in whole seconds when the attempt was signed. */
  timestamp: 'X-Signature-Timestamp',
  /** Hex HMAC-SHA256 of `<timestamp>.<body bytes>`: replay protection. */
  timestampedSignature: 'X-Signature-Timestamped-SHA256',
  /** One random id per send, the same on every retry, so a receiver can drop duplicates. */
  deliveryId: 'X-Webhook-Delivery-Id',
});

/** A request body: the exact bytes received, or a string (encoded as UTF-8). */
export type WebhookBody = string | Uint8Array;

/**
 * Request headers as a receiver has them: `req.headers` from `node:http`, a
 * fetch `Headers`, or a plain object (names match ignoring case).
 */
export type WebhookHeadersInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /**
   * Opts into replay protection: the timestamped signature is required and
   * its timestamp may be at most this far from `now`, either way. Without
   * it only the body signature is checked, as the Python library's receivers do.
   * @default undefined
   */
  toleranceMs?: number | undefined;
  /** The receiver's clock (a `Date` or milliseconds since the epoch). @default Date.now() */
  now?: number | Date | undefined;
}

/** Why a request failed verification. */
export type WebhookVerificationFailure =
  /** A signature or timestamp header is absent. */
  | 'missing-header'
  /** A header is not text (an object, a number), or the timestamp is not a whole number of seconds. */
  | 'malformed-header'
  /** The signature does not match the body (and timestamp): tampered, or another secret. */
  | 'bad-signature'
  /** The signature matches, but the timestamp is outside the tolerance: possibly replayed. */
  | 'stale-timestamp';

/** What {@link verifyWebhookSignature} found. */
export type WebhookVerification =
  | {
      readonly ok: true;
      /** The verified timestamp (Unix seconds), when replay protection was checked. */
      readonly timestamp?: number;
    }
  | {
      readonly ok: false;
      readonly reason: WebhookVerificationFailure;
      /** The header at fault. */
      readonly header: string;
      /** A sentence for logs; it never contains the secret or the expected signature. */
      readonly message: string;
    };

const WHERE = 'verifyWebhookSignature';
const TIMESTAMP = /^\d{1,15}$/;

const secretSchema = described(z.string().min(1), 'a non-empty string', { hidden: true });
const bodySchema = described(
  z.union([z.string(), z.custom<Uint8Array>((value) => value instanceof Uint8Array)]),
  'a string or a Uint8Array (the raw body)',
);
const headersSchema = described(
  z.custom<WebhookHeadersInput>((value) => typeof value === 'object' && value !== null),
  'a Headers object or a record of header values',
);
const nowSchema = described(z.union([z.number(), z.date()]), 'a number of milliseconds or a Date');
const verifyOptionsSchema: z.ZodType<Parsed<VerifyWebhookOptions>> = z.strictObject({
  toleranceMs: described(z.number().nonnegative(), 'a finite number >= 0').optional(),
  now: nowSchema.optional(),
} satisfies ShapeOf<VerifyWebhookOptions>);
const signOptionsSchema = z.strictObject({ now: nowSchema.optional() });

/**
 * The signature headers for `body` (docs/webhook-schema.md): what a
 * `WebhookChannel` sends, exported for receivers' tests.
 */
export function signWebhookBody(
  body: WebhookBody,
  secret: string,
  options: { now?: number | Date } = {},
): Record<string, string> {
  const where = 'signWebhookBody';
  checkValue({ where, field: 'secret' }, secretSchema, secret);
  checkValue({ where, field: 'body' }, bodySchema, body);
  const { now } = parseOptions({ where }, signOptionsSchema, options);
  const bytes = toBytes(body);
  const timestamp = String(Math.floor(millis(now) / 1000));
  return {
    [WEBHOOK_HEADERS.signature]: hmacHex(secret, [bytes]),
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.timestampedSignature]: hmacHex(secret, [Buffer.from(`${timestamp}.`), bytes]),
  };
}

/**
 * Checks that a request came from a `WebhookChannel` holding `secret`,
 * comparing signatures in constant time. Pass the raw body bytes, not a
 * re-serialised parse of them. Never throws because of what a request
 * holds (any header value, of any type, gives a failed verification);
 * throws `InvalidOptionError` only when an argument has the wrong type
 * (a body that is not a string or bytes, headers that are not an object,
 * an empty secret, bad options).
 *
 * Without `toleranceMs` it checks `X-Signature-SHA256` (which the Python
 * library also sends); with it, it checks `X-Signature-Timestamped-SHA256` and
 * that `X-Signature-Timestamp` is within `toleranceMs` of `now`.
 */
export function verifyWebhookSignature(
  body: WebhookBody,
  headers: WebhookHeadersInput,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookVerification {
  checkValue({ where: WHERE, field: 'body' }, bodySchema, body);
  checkValue({ where: WHERE, field: 'headers' }, headersSchema, headers);
  checkValue({ where: WHERE, field: 'secret' }, secretSchema, secret);
  const { toleranceMs, now } = parseOptions({ where: WHERE }, verifyOptionsSchema, options);
  const bytes = toBytes(body);

  if (toleranceMs === undefined) {
    const given = readHeader(headers, WEBHOOK_HEADERS.signature);
    if (given === undefined) return missing(WEBHOOK_HEADERS.signature);
    if (given === MALFORMED) return malformed(WEBHOOK_HEADERS.signature, 'a hex string');
    return sameHex(hmacHex(secret, [bytes]), given) ? { ok: true } : badSignature(WEBHOOK_HEADERS.signature);
  }

  const stamp = readHeader(headers, WEBHOOK_HEADERS.timestamp);
  if (stamp === undefined) return missing(WEBHOOK_HEADERS.timestamp);
  if (stamp === MALFORMED || !TIMESTAMP.test(stamp.trim())) {
    return malformed(WEBHOOK_HEADERS.timestamp, 'a whole number of seconds since the epoch');
  }
  const given = readHeader(headers, WEBHOOK_HEADERS.timestampedSignature);
  if (given === undefined) return missing(WEBHOOK_HEADERS.timestampedSignature);
  if (given === MALFORMED) return malformed(WEBHOOK_HEADERS.timestampedSignature, 'a hex string');
  const timestamp = Number(stamp.trim());
  const expected = hmacHex(secret, [Buffer.from(`${stamp.trim()}.`), bytes]);
  if (!sameHex(expected, given)) return badSignature(WEBHOOK_HEADERS.timestampedSignature);
  const skewMs = millis(now) - timestamp * 1000;
  if (Math.abs(skewMs) > toleranceMs) {
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    return {
      ok: false,
      reason: 'stale-timestamp',
      header: WEBHOOK_HEADERS.timestamp,
      message: `${WEBHOOK_HEADERS.timestamp} is ${seconds} s ${skewMs > 0 ? 'old' : 'in the future'}, beyond the tolerance of ${toleranceMs} ms.`,
    };
  }
  return { ok: true, timestamp };
}

function hmacHex(secret: string, parts: readonly Uint8Array[]): string {
  const hmac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Constant-time comparison of the expected hex digest with a header value (any case). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim().toLowerCase(), 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** A header value that is there but is not text (an object, a number, a Headers-like object whose `get` throws). */
const MALFORMED = Symbol('malformed header');

/**
 * The header's value as text; undefined when absent. Never throws: the
 * headers come from the request, so anything at all may be in them.
 */
function readHeader(headers: WebhookHeadersInput, name: string): string | undefined | typeof MALFORMED {
  try {
    if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
      const value: unknown = (headers as Headers).get(name);
      return value === null || value === undefined ? undefined : typeof value === 'string' ? value : MALFORMED;
    }
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (key.toLowerCase() !== wanted || value === undefined) continue;
      if (typeof value === 'string') return value;
      // node:http joins repeated unknown headers with ', '; do the same for arrays.
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
      return MALFORMED;
    }
    return undefined;
  } catch {
    return MALFORMED;
  }
}

function malformed(header: string, expected: string): WebhookVerification {
  return { ok: false, reason: 'malformed-header', header, message: `${header} must be ${expected}.` };
}

function missing(header: string): WebhookVerification {
  return { ok: false, reason: 'missing-header', header, message: `The request has no ${header} header.` };
}

function badSignature(header: string): WebhookVerification {
  return {
    ok: false,
    reason: 'bad-signature',
    header,
    message: `${header} does not match the body: it was changed, or signed with another secret.`,
  };
}

function toBytes(body: WebhookBody): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function millis(now: number | Date | undefined): number {
  if (now === undefined) return Date.now();
  return now instanceof Date ? now.getTime() : now;
}
