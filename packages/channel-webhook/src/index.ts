// The public API of processes-channel-webhook. Anything not listed here is internal.

export type { ContentFlags } from 'processes-core/internal';
export type { WebhookConfig } from './config.js';
export { WEBHOOK_CONFIG_DEFAULTS } from './config.js';
export type { WebhookReceipt } from './deliver.js';
export type { WebhookDeliveryFailure, WebhookFailureReason } from './errors.js';
export { WebhookDeliveryError } from './errors.js';
export type {
  WebhookEntryDocument,
  WebhookErrorDocument,
  WebhookPayloadOptions,
  WebhookReportDocument,
} from './payload.js';
export { buildWebhookPayload, WEBHOOK_SCHEMA_VERSION } from './payload.js';
export type {
  VerifyWebhookOptions,
  WebhookBody,
  WebhookHeadersInput,
  WebhookVerification,
  WebhookVerificationFailure,
} from './signature.js';
export { signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS } from './signature.js';
export { WebhookChannel } from './webhook-channel.js';
