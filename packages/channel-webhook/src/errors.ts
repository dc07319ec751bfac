import { ProcessesError } from 'processes-core';

/** Why the last attempt of a webhook delivery failed. */
export type WebhookFailureReason =
  /** The server answered with a status other than 2xx (`status` holds it). */
  | 'http-status'
  /** No answer: the connection was refused, reset, or the host not found. */
  | 'network'
  /** No answer within `timeoutMs`. */
  | 'timeout'
  /** The `signal` given to `send` (or `report.notify`) was aborted. */
  | 'aborted';

/** What a {@link WebhookDeliveryError} is built from. */
export interface WebhookDeliveryFailure {
  readonly reason: WebhookFailureReason;
  readonly attempts: number;
  readonly status: number | null;
  readonly statusText?: string;
  readonly origin: string;
  readonly deliveryId: string;
  readonly retryable: boolean;
  readonly timeoutMs: number;
  readonly responseText?: string;
  readonly cause?: unknown;
}

/**
 * A webhook could not be delivered. Thrown by `WebhookChannel.send`, so
 * `report.notify` records it as the channel's failed outcome (and warns with
 * `PROC_CHANNEL_FAILED`). The message names the destination by its origin
 * only, since webhook URLs often carry a token in the path or query.
 */
export class WebhookDeliveryError extends ProcessesError {
  static override readonly code: string = 'PROC_WEBHOOK_DELIVERY_FAILED';
  /** Why the last attempt failed. */
  readonly reason: WebhookFailureReason;
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** The last HTTP status received, or `null` when no attempt got an answer. */
  readonly status: number | null;
  /** Scheme, host and port of the webhook URL (no path, query or credentials). */
  readonly origin: string;
  /** The `X-Webhook-Delivery-Id` sent with every attempt. */
  readonly deliveryId: string;
  /** Whether the last failure was of a retried kind (so attempts ran out), rather than a final answer such as a 4xx. */
  readonly retryable: boolean;
  /** The start of the last error response's body (at most 1 KiB), for debugging; not in the message. */
  readonly responseText: string | undefined;

  constructor(failure: WebhookDeliveryFailure) {
    super(deliveryMessage(failure), undefined, failure.cause === undefined ? undefined : { cause: failure.cause });
    this.reason = failure.reason;
    this.attempts = failure.attempts;
    this.status = failure.status;
    this.origin = failure.origin;
    this.deliveryId = failure.deliveryId;
    this.retryable = failure.retryable;
    this.responseText = failure.responseText;
  }
}

function deliveryMessage(f: WebhookDeliveryFailure): string {
  const attempts = `${f.attempts} attempt${f.attempts === 1 ? '' : 's'}`;
  const head = `Could not deliver the report to ${f.origin} (${attempts})`;
  switch (f.reason) {
    case 'http-status': {
      const status = `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''}`;
      return f.retryable
        ? `${head}: the server answered ${status}.`
        : `${head}: the server answered ${status}, which is not retried (only 5xx and 429 are).`;
    }
    case 'timeout':
      return `${head}: no answer within timeoutMs (${f.timeoutMs} ms).`;
    case 'network':
      return `${head}: ${networkText(f.cause)}.`;
    case 'aborted':
      return `${head}: the send was aborted${abortText(f.cause)}.`;
  }
}

/**
 * fetch rejects with `TypeError: fetch failed` and puts the socket error in
 * `cause` (`connect ECONNREFUSED 127.0.0.1:80`): report the innermost message
 * and its code.
 */
function networkText(error: unknown): string {
  let message = '';
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.message === 'string' && e.message) message = e.message;
    if (code === undefined && typeof e.code === 'string') code = e.code;
    current = e.cause;
  }
  if (!message) return code ?? 'the request failed';
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function abortText(reason: unknown): string {
  if (reason instanceof Error && reason.message) return `: ${reason.message}`;
  if (typeof reason === 'string' && reason) return `: ${reason}`;
  return '';
}
