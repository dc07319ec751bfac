import type { ProcessExecutionReport, ReportChannel, ReportContentPreset, SendOptions } from 'processes-core';
import { type ContentFlags, toContentFlags } from 'processes-core/internal';
import { type ResolvedWebhookConfig, resolveWebhookConfig, type WebhookConfig } from './config.js';
import { deliver, type WebhookReceipt } from './deliver.js';
import { buildWebhookPayload } from './payload.js';

/**
 * Delivers a report as a JSON POST (docs/webhook-schema.md), signed with
 * HMAC-SHA256 when the config has a `secret`, retried on network errors,
 * timeouts, 5xx and 429. Use it with `report.notify([channel])`.
 *
 * @example
 * const webhook = new WebhookChannel({ url: 'https://hooks.example.com/etl', secret: process.env.WEBHOOK_SECRET });
 * await report.notify([webhook], { onlyErrors: true });
 */
export class WebhookChannel implements ReportChannel {
  readonly name: string = 'WebhookChannel';
  /** Which error details are sent: the object given (kept as is) or the named preset. */
  readonly content: ContentFlags;
  // Private, so the secret and the URL's token never show in logs or inspect output.
  readonly #config: ResolvedWebhookConfig;

  /**
   * Validates the config now, so a typo fails at start-up rather than when
   * a report is due; throws `InvalidOptionError`/`UnknownOptionError`.
   * `content` defaults to `'full'`.
   */
  constructor(webhookConfig: WebhookConfig, content?: ContentFlags | ReportContentPreset) {
    this.#config = resolveWebhookConfig(webhookConfig);
    this.content = toContentFlags('WebhookChannel', 'content', content);
  }

  /** Scheme, host and port of the webhook URL: the part that is safe to show. */
  get origin(): string {
    return this.#config.url.origin;
  }

  /**
   * POSTs the report (only its errored entries with `onlyErrors`). Resolves
   * to `{ attempts, status, deliveryId }`; rejects with
   * `WebhookDeliveryError` once attempts run out, on a final answer (a
   * non-2xx other than 5xx and 429), or when `signal` aborts.
   */
  async send(report: ProcessExecutionReport, options: SendOptions = { onlyErrors: false }): Promise<WebhookReceipt> {
    const { nestUnder, extraPayload } = this.#config;
    const payload = buildWebhookPayload(report, {
      onlyErrors: options.onlyErrors,
      content: this.content,
      nestUnder,
      extraPayload,
    });
    return await deliver(this.#config, JSON.stringify(payload), options.signal);
  }
}
