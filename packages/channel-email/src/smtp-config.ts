import { UnknownOptionError } from '@processes/core';
import { z } from 'zod';
import { REDACTED, SMTPConfigError } from './errors.js';

/** How the connection is protected. */
export type SMTPSecurity =
  /** Plain connection upgraded with STARTTLS, which the server must offer (port 587). */
  | 'starttls'
  /** TLS from the first byte, "SMTPS" (port 465). */
  | 'tls'
  /** No encryption, even if the server offers STARTTLS (port 25; for local relays and test servers). */
  | 'none';

/** One address (`ops@example.com`, `"Ops" <ops@example.com>`) or several. */
export type Addresses = string | readonly string[];

/** TLS settings for `starttls` and `tls`. */
export interface SMTPTlsOptions {
  /** Refuse a certificate that does not verify. Turn off only for a test server. @default true */
  rejectUnauthorized?: boolean;
  /** Certificate authorities to trust besides the system ones (PEM), e.g. a private CA. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** The name the certificate must be for, when it differs from `host`. */
  servername?: string;
}

/** What `new SMTPConfig()` takes. */
export interface SMTPConfigOptions {
  /** The SMTP server's host name or IP address. */
  host: string;
  /** @default 587 for `starttls`, 465 for `tls`, 25 for `none` */
  port?: number;
  /** @default 'starttls' */
  security?: SMTPSecurity;
  /** The sender, e.g. `"Pipelines" <pipelines@example.com>`. */
  from: string;
  /** One or more recipients. */
  to: Addresses;
  cc?: Addresses;
  bcc?: Addresses;
  /** Log in with these credentials (the server must accept them; there is no silent fallback). */
  auth?: { user: string; pass: string };
  /**
   * Bounds each wait: connecting (DNS included), the server's greeting, the
   * STARTTLS upgrade and any silence on the open connection. @default 10000
   */
  timeoutMs?: number;
  tls?: SMTPTlsOptions;
}

const DEFAULT_PORTS: Readonly<Record<SMTPSecurity, number>> = { starttls: 587, tls: 465, none: 25 };
export const DEFAULT_TIMEOUT_MS = 10_000;

// An address with a line break could inject headers; one without `@` is a typo.
const address = z.string().refine((value) => value.trim().length > 0 && value.includes('@') && !/[\r\n]/.test(value));
const addresses = z.union([address, z.array(address).min(1)]);
const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);

const SCHEMA = z.strictObject({
  host: z.string().regex(/^\S+$/),
  port: z.number().int().min(1).max(65_535).optional(),
  security: z.enum(['starttls', 'tls', 'none']).optional(),
  from: address,
  to: addresses,
  cc: addresses.optional(),
  bcc: addresses.optional(),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  timeoutMs: z.number().positive().max(2_147_483_647).optional(),
  tls: z
    .strictObject({
      rejectUnauthorized: z.boolean().optional(),
      ca: z.union([pem, z.array(pem)]).optional(),
      servername: z.string().min(1).optional(),
    })
    .optional(),
});

const ADDRESS = 'an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks)';
/** What each field must be, for messages; array items use their field's entry. */
const EXPECTED: Readonly<Record<string, string>> = {
  '': 'an object with host, from and to',
  host: 'a host name or IP address (non-empty, no spaces)',
  port: 'an integer from 1 to 65535',
  security: 'one of "starttls", "tls", "none"',
  from: ADDRESS,
  to: `${ADDRESS}, or a non-empty array of them`,
  cc: `${ADDRESS}, or a non-empty array of them`,
  bcc: `${ADDRESS}, or a non-empty array of them`,
  auth: 'an object { user, pass }',
  'auth.user': 'a non-empty string',
  'auth.pass': 'a non-empty string',
  timeoutMs: 'a number of milliseconds > 0',
  tls: 'an object { rejectUnauthorized?, ca?, servername? }',
  'tls.rejectUnauthorized': 'a boolean',
  'tls.ca': 'a PEM string or Buffer, or an array of them',
  'tls.servername': 'a non-empty string',
};
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(SCHEMA.shape),
  auth: ['user', 'pass'],
  tls: ['rejectUnauthorized', 'ca', 'servername'],
};
const SECRET_FIELDS = new Set(['auth', 'auth.pass']);

/** Credentials are kept off the instance, so no inspect, JSON or spread of a config shows them. */
const CREDENTIALS = new WeakMap<SMTPConfig, { user: string; pass: string }>();

/**
 * Where and how to send report emails. Validated on construction (throws
 * {@link SMTPConfigError} naming the field); immutable. The password is not
 * a property: printing, logging or serialising a config never shows it.
 */
export class SMTPConfig {
  readonly host: string;
  readonly port: number;
  readonly security: SMTPSecurity;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  /** The login user, when the config has credentials. */
  readonly user: string | undefined;
  readonly timeoutMs: number;
  readonly tls: Readonly<SMTPTlsOptions>;

  constructor(options: SMTPConfigOptions) {
    const parsed = SCHEMA.safeParse(options);
    if (!parsed.success) throw toConfigError(parsed.error, options);
    const config = parsed.data;
    this.host = config.host;
    this.security = config.security ?? 'starttls';
    this.port = config.port ?? DEFAULT_PORTS[this.security];
    this.from = config.from;
    this.to = list(config.to);
    this.cc = list(config.cc);
    this.bcc = list(config.bcc);
    this.user = config.auth?.user;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.tls = Object.freeze({ ...config.tls }) as Readonly<SMTPTlsOptions>;
    if (config.auth) CREDENTIALS.set(this, { ...config.auth });
    Object.freeze(this);
  }

  /** True when the config logs in. */
  get hasAuth(): boolean {
    return CREDENTIALS.has(this);
  }

  /** `host:port (security)`, as error messages name the server. */
  toString(): string {
    return `${this.host}:${this.port} (${this.security})`;
  }

  /** The config as data, with the password shown as `[redacted]`. */
  toJSON(): Record<string, unknown> {
    return {
      host: this.host,
      port: this.port,
      security: this.security,
      from: this.from,
      to: this.to,
      cc: this.cc,
      bcc: this.bcc,
      ...(this.user === undefined ? {} : { auth: { user: this.user, pass: REDACTED } }),
      timeoutMs: this.timeoutMs,
      tls: { ...this.tls, ...(this.tls.ca ? { ca: '[certificate]' } : {}) },
    };
  }
}

/** The credentials of a config, for the transport only. Not exported from the package. */
export function credentialsOf(config: SMTPConfig): { user: string; pass: string } | undefined {
  return CREDENTIALS.get(config);
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  return Object.freeze(typeof value === 'string' ? [value] : [...value]);
}

/**
 * For a union (`to` as a string or an array), the branch issue that went
 * deepest, so `to: ['ok@x.test', 'bad']` names `to[1]` rather than `to`.
 */
function deepest(issue: z.core.$ZodIssue | undefined): z.core.$ZodIssue | undefined {
  if (issue?.code !== 'invalid_union') return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      if (!best || inner.path.length > best.path.length) best = inner;
    }
  }
  // The branch issues' paths are relative to the union's own path.
  return best && best.path.length > 0 ? { ...best, path: [...issue.path, ...best.path] } : issue;
}

/** The first problem zod found, as a typed error that names the field and hides secrets. */
function toConfigError(error: z.ZodError, input: unknown): Error {
  // An unknown key first: a misspelt `password` explains the missing `pass`.
  const issue = deepest(error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]);
  const path = (issue?.path ?? []).filter((key): key is string | number => typeof key !== 'symbol');
  const parent = path.filter((key) => typeof key === 'string').join('.');
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new UnknownOptionError('SMTPConfig', parent ? `${parent}.${key}` : key, KNOWN_KEYS[parent] ?? []);
  }
  const field = path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
  let received: unknown = input;
  for (const key of path) received = (received as Record<string | number, unknown> | undefined)?.[key];
  return new SMTPConfigError(field || 'options', EXPECTED[parent] ?? 'valid', received, SECRET_FIELDS.has(parent));
}
