// `processes-js/webhook`: the webhook channel alone (processes-channel-webhook).
// Listed by name, like every entry; test/exports.test.ts checks the list against the package.
export type {
  ContentFlags,
  VerifyWebhookOptions,
  WebhookBody,
  WebhookConfig,
  WebhookDeliveryFailure,
  WebhookEntryDocument,
  WebhookErrorDocument,
  WebhookFailureReason,
  WebhookHeadersInput,
  WebhookPayloadOptions,
  WebhookReceipt,
  WebhookReportDocument,
  WebhookVerification,
  WebhookVerificationFailure,
} from 'processes-channel-webhook';
export {
  buildWebhookPayload,
  signWebhookBody,
  verifyWebhookSignature,
  WEBHOOK_CONFIG_DEFAULTS,
  WEBHOOK_HEADERS,
  WEBHOOK_SCHEMA_VERSION,
  WebhookChannel,
  WebhookDeliveryError,
} from 'processes-channel-webhook';
