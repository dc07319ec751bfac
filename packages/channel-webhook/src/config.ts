import { type BackoffOptions, type JsonValue, toJsonSafe } from 'processes-core';
import {
  checkValue,
  described,
  hiddenValueError,
  isPlainObject,
  MAX_TIMER_MS,
  type Parsed,
  parseOptions,
  plainObject,
  retryDelayMsSchema,
  type ShapeOf,
  setOwn,
} from 'processes-core/internal';
import { z } from 'zod';

/** Where and how a {@link WebhookChannel} delivers reports (the Python library's `WebhookConfig`). */
export interface WebhookConfig {
  /**
   * Where reports are POSTed: an absolute `http:` or `https:` URL without a
   * username or password (put credentials in `headers`). Only its origin
   * appears in error messages, since webhook paths often hold tokens.
   */
  url: string | URL;
  /**
   * Request headers merged over the defaults, so they win, `Content-Type`
   * included (names match ignoring case). The signature headers always win
   * over them when a `secret` is set. Values are text up to U+00FF without
   * control characters (tabs aside); the headers fetch frames the request
   * with (`Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`,
   * `Upgrade`, `Expect`, `Host`) are refused. @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /** Bound on each attempt, from opening the connection to reading the response. @default 5000 */
  timeoutMs?: number;
  /**
   * Signs every request with HMAC-SHA256 (docs/webhook-schema.md); `null`
   * sends unsigned requests. Never shown in messages. @default null
   */
  secret?: string | null;
  /**
   * Keys added to the top level of the body after `nestUnder` is applied;
   * they win on collision, as in the Python library. Values are made JSON-safe. @default {}
   */
  extraPayload?: Readonly<Record<string, unknown>>;
  /**
   * Put the report (`process_name`, `entries`, `schema_version`) under this
   * top-level key; `null` or `''` sends it flat. @default null
   */
  nestUnder?: string | null;
  /** Attempts in all, the first included; `1` turns retries off. @default 3 */
  maxAttempts?: number;
  /**
   * Wait before a retry when the server sent no `Retry-After`: a fixed delay
   * or exponential backoff. @default { initialMs: 500, factor: 2, maxMs: 10000 }
   */
  retryDelayMs?: number | BackoffOptions;
  /** Longest wait a `Retry-After` header is honoured for; longer requests wait this long. @default 30000 */
  maxRetryAfterMs?: number;
}

/** The defaults of {@link WebhookConfig}'s optional fields. */
export const WEBHOOK_CONFIG_DEFAULTS: Readonly<Required<Omit<WebhookConfig, 'url'>>> = Object.freeze({
  headers: Object.freeze({}),
  timeoutMs: 5_000,
  secret: null,
  extraPayload: Object.freeze({}),
  nestUnder: null,
  maxAttempts: 3,
  retryDelayMs: Object.freeze({ initialMs: 500, factor: 2, maxMs: 10_000 }),
  maxRetryAfterMs: 30_000,
});

/** A validated config with defaults applied, frozen. */
export interface ResolvedWebhookConfig {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly secret: string | null;
  readonly extraPayload: Readonly<Record<string, JsonValue>>;
  readonly nestUnder: string | null;
  readonly maxAttempts: number;
  readonly retryDelayMs: number | BackoffOptions;
  readonly maxRetryAfterMs: number;
}

const WHERE = 'WebhookConfig';
/** RFC 9110 token: the characters a header name may use. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * What fetch sends as a header value: tabs, visible ASCII, spaces and bytes
 * 0x80-0xFF. Line breaks would split the request; other control characters
 * and characters beyond U+00FF make fetch throw on every attempt, which was
 * reported as a network error and retried, so they are refused here instead.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Headers fetch frames the request with itself: set by hand they make every
 * attempt fail (`Transfer-Encoding`, `Upgrade`, `Keep-Alive`, `Expect`, a
 * `Connection` other than close/keep-alive), stall until the timeout (a
 * `Content-Length` that does not match the body), or are silently dropped
 * (`Host`). Lower case, as names are compared ignoring case.
 */
const FETCH_OWNED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

const URL_EXPECTED = 'an absolute http: or https: URL (a string or URL)';

const webhookConfigSchema: z.ZodType<Parsed<WebhookConfig>> = z.strictObject({
  url: described(z.union([z.string(), z.custom<URL>((value) => value instanceof URL)]), URL_EXPECTED),
  // Values are checked one by one afterwards, so the message can name the header.
  headers: described(
    z.custom<Readonly<Record<string, string>>>(isPlainObject),
    'a plain object of header names to string values',
  ).optional(),
  timeoutMs: described(
    z.number().positive().max(MAX_TIMER_MS),
    `a finite number > 0 and <= ${MAX_TIMER_MS}`,
  ).optional(),
  secret: described(z.string().min(1).nullable(), 'a non-empty string or null', { hidden: true }).optional(),
  extraPayload: described(plainObject, 'a plain object').optional(),
  nestUnder: described(z.string().nullable(), 'a string or null').optional(),
  maxAttempts: described(z.number().int().min(1).max(100), 'an integer from 1 to 100').optional(),
  retryDelayMs: retryDelayMsSchema.optional(),
  maxRetryAfterMs: described(
    z.number().nonnegative().max(MAX_TIMER_MS),
    `a finite number >= 0 and <= ${MAX_TIMER_MS}`,
  ).optional(),
} satisfies ShapeOf<WebhookConfig>);

const headerNameSchema = described(z.string().regex(HEADER_NAME), 'keyed by valid HTTP header names (RFC 9110 tokens)');
const ownedHeaderSchema = described(
  z.string().refine((name) => !FETCH_OWNED_HEADERS.has(name.toLowerCase())),
  `free of the headers fetch sets from the request itself (${[...FETCH_OWNED_HEADERS].join(', ')})`,
);
const headerValueSchema = described(
  z.string().regex(HEADER_VALUE),
  'a string of printable characters (up to U+00FF) and tabs, without line breaks or other control characters',
  { hidden: true },
);

/**
 * Validates a {@link WebhookConfig} and applies the defaults. Throws
 * `InvalidOptionError` or `UnknownOptionError` (codes `PROC_INVALID_OPTION`,
 * `PROC_UNKNOWN_OPTION`) naming the field; secrets, URLs and header values
 * are described, never shown.
 */
export function resolveWebhookConfig(input: unknown): ResolvedWebhookConfig {
  const o = parseOptions({ where: WHERE, root: 'webhookConfig', required: true }, webhookConfigSchema, input);
  const d = WEBHOOK_CONFIG_DEFAULTS;
  return Object.freeze({
    url: checkUrl(o.url),
    headers: checkHeaders(o.headers ?? d.headers),
    timeoutMs: o.timeoutMs ?? d.timeoutMs,
    secret: o.secret ?? d.secret,
    extraPayload: jsonCopy(o.extraPayload ?? d.extraPayload),
    nestUnder: o.nestUnder || null,
    maxAttempts: o.maxAttempts ?? d.maxAttempts,
    retryDelayMs: frozen(o.retryDelayMs ?? d.retryDelayMs),
    maxRetryAfterMs: o.maxRetryAfterMs ?? d.maxRetryAfterMs,
  });
}

function checkUrl(value: string | URL): URL {
  const expected = URL_EXPECTED;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw hiddenValueError(WHERE, 'url', expected, 'a string that is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw hiddenValueError(WHERE, 'url', expected, `a URL with protocol \`${url.protocol}\``);
  }
  if (url.username || url.password) {
    throw hiddenValueError(
      WHERE,
      'url',
      'a URL without a username or password (send credentials in `headers`)',
      'a URL with credentials',
    );
  }
  return url;
}

function checkHeaders(headers: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    checkValue({ where: WHERE, field: 'headers' }, headerNameSchema, name);
    checkValue({ where: WHERE, field: 'headers' }, ownedHeaderSchema, name);
    // setOwn: a JSON `"__proto__"` header is a header like any other, not a prototype.
    setOwn(out, name, checkValue({ where: WHERE, field: `headers.${name}` }, headerValueSchema, value));
  }
  return Object.freeze(out);
}

function frozen(value: number | BackoffOptions): number | BackoffOptions {
  return typeof value === 'number' ? value : Object.freeze({ ...value });
}

/** A frozen JSON-safe copy, taken now so later changes to the caller's object do not leak into sends. */
function jsonCopy(extra: Readonly<Record<string, unknown>>): Readonly<Record<string, JsonValue>> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(extra)) setOwn(out, key, toJsonSafe(value));
  return Object.freeze(out);
}
