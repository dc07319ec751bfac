import { described, type Parsed, parseOptions, type ShapeOf, timerMs } from 'processes-core/internal';
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
  rejectUnauthorized?: boolean | undefined;
  /** Certificate authorities to trust besides the system ones (PEM), e.g. a private CA. */
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** The name the certificate must be for, when it differs from `host`. */
  servername?: string | undefined;
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

/** The defaults of {@link SMTPConfigOptions}' optional fields. */
export const SMTP_CONFIG_DEFAULTS: {
  readonly ports: Readonly<Record<SMTPSecurity, number>>;
  readonly security: SMTPSecurity;
  readonly timeoutMs: number;
} = Object.freeze({
  ports: Object.freeze({ starttls: 587, tls: 465, none: 25 }),
  security: 'starttls',
  timeoutMs: 10_000,
});
export const DEFAULT_TIMEOUT_MS: number = SMTP_CONFIG_DEFAULTS.timeoutMs;

const ADDRESS = 'an email address such as "ops@example.com" or "Ops <ops@example.com>" (no line breaks)';
// An address with a line break could inject headers; one without `@` is a typo.
// A function, so each field describes its own schema (`from` has its words, `to` items use `to`'s).
const address = (): z.ZodString =>
  z.string().refine((value) => value.trim().length > 0 && value.includes('@') && !/[\r\n]/.test(value));
// Array items use their field's words, so `to[1]` reads like `to`.
const addresses = (): z.ZodType<Addresses> =>
  described(z.union([address(), z.array(address()).min(1)]), `${ADDRESS}, or a non-empty array of them`);
const pem = z.union([z.string().min(1), z.custom<Buffer>((value) => Buffer.isBuffer(value))]);
const nonEmpty = (hidden = false): z.ZodString => described(z.string().min(1), 'a non-empty string', { hidden });

const smtpConfigSchema: z.ZodType<Parsed<SMTPConfigOptions>> = z.strictObject({
  host: described(z.string().regex(/^\S+$/), 'a host name or IP address (non-empty, no spaces)'),
  port: described(z.number().int().min(1).max(65_535), 'an integer from 1 to 65535').optional(),
  security: described(z.enum(['starttls', 'tls', 'none']), 'one of "starttls", "tls", "none"').optional(),
  from: described(address(), ADDRESS),
  to: addresses(),
  cc: addresses().optional(),
  bcc: addresses().optional(),
  // The password is a secret: neither it nor a mistyped `auth` is ever shown.
  auth: described(z.strictObject({ user: nonEmpty(), pass: nonEmpty(true) }), 'an object { user, pass }', {
    hidden: true,
  }).optional(),
  timeoutMs: described(timerMs(z.number().positive()), 'a number of milliseconds > 0').optional(),
  tls: described(
    z.strictObject({
      rejectUnauthorized: described(z.boolean(), 'a boolean').optional(),
      ca: described(z.union([pem, z.array(pem)]), 'a PEM string or Buffer, or an array of them').optional(),
      servername: nonEmpty().optional(),
    } satisfies ShapeOf<SMTPTlsOptions>),
    'an object { rejectUnauthorized?, ca?, servername? }',
  ).optional(),
} satisfies ShapeOf<SMTPConfigOptions>);

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
    const config = parseOptions(
      {
        where: 'SMTPConfig',
        required: true,
        rootExpected: 'an object with host, from and to',
        invalid: (field, expected, received, hidden) => new SMTPConfigError(field, expected, received, hidden),
      },
      smtpConfigSchema,
      options,
    );
    const d = SMTP_CONFIG_DEFAULTS;
    this.host = config.host;
    this.security = config.security ?? d.security;
    this.port = config.port ?? d.ports[this.security];
    this.from = config.from;
    this.to = list(config.to);
    this.cc = list(config.cc);
    this.bcc = list(config.bcc);
    this.user = config.auth?.user;
    this.timeoutMs = config.timeoutMs ?? d.timeoutMs;
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
