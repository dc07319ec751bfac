import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from 'processes-core/internal';
import type { ResolvedWebhookConfig } from './config.js';
import { WebhookDeliveryError, type WebhookDeliveryFailure } from './errors.js';
import { parseRetryAfter } from './retry-after.js';
import { signWebhookBody, WEBHOOK_HEADERS } from './signature.js';

/** What a successful `WebhookChannel.send` resolves to (the outcome's `receipt` in `report.notify`). */
export interface WebhookReceipt {
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** The 2xx status of the attempt that was accepted. */
  readonly status: number;
  /** The `X-Webhook-Delivery-Id` sent with every attempt. */
  readonly deliveryId: string;
}

/** How much of an error response's body is kept on the error. */
const RESPONSE_TEXT_BYTES = 1024;

type Attempt =
  | { readonly kind: 'delivered'; readonly status: number }
  | (Omit<WebhookDeliveryFailure, 'attempts' | 'origin' | 'deliveryId' | 'timeoutMs'> & {
      readonly kind: 'failed';
      readonly retryAfterMs?: number;
    });

/**
 * POSTs `body` until it is accepted (2xx), a final answer comes (any other
 * non-2xx but 429), attempts run out, or `signal` aborts. Network errors,
 * timeouts, 5xx and 429 are retried after the server's `Retry-After` (capped)
 * or the backoff. Resolves to a receipt; rejects with `WebhookDeliveryError`.
 */
export async function deliver(
  config: ResolvedWebhookConfig,
  body: string,
  signal: AbortSignal | undefined,
): Promise<WebhookReceipt> {
  const deliveryId = randomUUID();
  const fail = (attempts: number, failure: Omit<Attempt & { kind: 'failed' }, 'kind'>): WebhookDeliveryError =>
    new WebhookDeliveryError({
      ...failure,
      attempts,
      origin: config.url.origin,
      deliveryId,
      timeoutMs: config.timeoutMs,
    });
  let attempts = 0;
  for (;;) {
    if (signal?.aborted) {
      throw fail(attempts, { reason: 'aborted', status: null, retryable: false, cause: signal.reason });
    }
    attempts++;
    const attempt = await attemptOnce(config, body, deliveryId, signal);
    if (attempt.kind === 'delivered') return { attempts, status: attempt.status, deliveryId };
    const { kind: _kind, retryAfterMs, ...failure } = attempt;
    if (!failure.retryable || attempts >= config.maxAttempts) throw fail(attempts, failure);
    const waitMs =
      retryAfterMs === undefined
        ? backoffDelayMs(config.retryDelayMs, attempts)
        : Math.min(retryAfterMs, config.maxRetryAfterMs);
    try {
      await sleep(waitMs, undefined, signal ? { signal } : {});
    } catch {
      // Only an abort interrupts the sleep; report what the last attempt saw, plus why we stopped.
      throw fail(attempts, { ...failure, reason: 'aborted', retryable: false, cause: signal?.reason });
    }
  }
}

async function attemptOnce(
  config: ResolvedWebhookConfig,
  body: string,
  deliveryId: string,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: 'POST',
      headers: requestHeaders(config, body, deliveryId),
      body,
      signal: attemptSignal,
      // A signed POST is not re-sent somewhere else behind the caller's back
      // (and fetch would turn it into a GET on 301/302): a 3xx fails the send.
      redirect: 'manual',
    });
  } catch (error) {
    if (signal?.aborted)
      return { kind: 'failed', reason: 'aborted', status: null, retryable: false, cause: signal.reason };
    if (timeout.aborted) return { kind: 'failed', reason: 'timeout', status: null, retryable: true, cause: error };
    return { kind: 'failed', reason: 'network', status: null, retryable: true, cause: error };
  }
  const { status, statusText } = response;
  if (status >= 200 && status < 300) {
    // The answer is in; the body is not needed, and reading it must not turn
    // an accepted delivery into a failure (and a duplicate on retry).
    await response.body?.cancel().catch(() => {});
    return { kind: 'delivered', status };
  }
  const retryable = status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : undefined;
  return {
    kind: 'failed',
    reason: 'http-status',
    status,
    statusText,
    retryable,
    responseText: await readStart(response),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Content type, then the user's headers (they win), then the signature headers (they win over those). */
function requestHeaders(config: ResolvedWebhookConfig, body: string, deliveryId: string): Headers {
  const headers = new Headers({ 'Content-Type': 'application/json', [WEBHOOK_HEADERS.deliveryId]: deliveryId });
  for (const [name, value] of Object.entries(config.headers)) headers.set(name, value);
  if (config.secret !== null) {
    // Signed per attempt, so a late retry carries a fresh timestamp.
    for (const [name, value] of Object.entries(signWebhookBody(body, config.secret))) headers.set(name, value);
  }
  return headers;
}

/** The first KiB of an error response's body as text; '' when it cannot be read (the attempt's timeout still applies). */
async function readStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_TEXT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A reset or a timeout while reading: the status is what matters.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_TEXT_BYTES).toString('utf8');
}
