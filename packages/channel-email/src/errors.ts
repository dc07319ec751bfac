import { InvalidOptionError, ProcessesError } from 'processes-core';
import { kindOf } from 'processes-core/internal';

/** What a secret option's value is replaced by, wherever it would otherwise appear. */
export const REDACTED = '[redacted]';

/**
 * An `SMTPConfig` field has the wrong type or value. An `InvalidOptionError`
 * too (`field`, `expected`, `received`). The value of a secret field
 * (`auth.pass`) never reaches the message or `received`.
 */
export class SMTPConfigError extends InvalidOptionError {
  static override readonly code: string = 'PROC_INVALID_SMTP_CONFIG';

  constructor(field: string, expected: string, received: unknown, secret = false) {
    const hide = secret && received !== undefined && received !== null;
    // The secret is never handed to the base class, so no message or stack can hold it.
    super('SMTPConfig', field, expected, hide ? REDACTED : received);
    if (hide) {
      this.message = `SMTPConfig: expected \`${field}\` to be ${expected}, got ${kindOf(received)} (not shown: it is a secret)`;
    }
  }
}

/** What the channel was doing when it failed. */
export type EmailOperation = 'send' | 'verify';

/** What {@link EmailDeliveryError} is built from. */
export interface EmailDeliveryErrorInit {
  readonly operation: EmailOperation;
  readonly host: string;
  readonly port: number;
  readonly security: string;
  /** The reason, already free of secrets. */
  readonly reason: string;
  readonly smtpCode?: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly response?: string;
  readonly cause?: unknown;
}

/**
 * The report email could not be delivered (or, for `verify()`, the server
 * could not be reached or logged into). Carries what nodemailer knew: the
 * error code (`ECONNECTION`, `ETIMEDOUT`, `EAUTH`, `ETLS`, `EENVELOPE`, …),
 * the SMTP command and the server's reply. Credentials are scrubbed from
 * every string it holds, its cause included.
 */
export class EmailDeliveryError extends ProcessesError {
  static override readonly code: string = 'PROC_EMAIL_DELIVERY_FAILED';
  readonly operation: EmailOperation;
  readonly host: string;
  readonly port: number;
  /** nodemailer's error code, e.g. `ECONNECTION`, `ETIMEDOUT`, `EAUTH`, `ETLS`, `EENVELOPE`, `EABORT`. */
  readonly smtpCode: string | undefined;
  /** The SMTP reply code, when the server sent one (e.g. 535 for a refused login). */
  readonly responseCode: number | undefined;
  /** The SMTP command that failed, e.g. `AUTH PLAIN`, `RCPT TO`, `CONN`. */
  readonly command: string | undefined;
  /** The server's reply, when there was one. */
  readonly response: string | undefined;

  constructor(init: EmailDeliveryErrorInit) {
    const doing = init.operation === 'send' ? 'Sending the report email via' : 'Verifying';
    super(
      `${doing} SMTP server ${init.host}:${init.port} (${init.security}) failed: ${init.reason}` +
        (init.smtpCode ? ` [${init.smtpCode}]` : ''),
      undefined,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.operation = init.operation;
    this.host = init.host;
    this.port = init.port;
    this.smtpCode = init.smtpCode;
    this.responseCode = init.responseCode;
    this.command = init.command;
    this.response = init.response;
  }
}
