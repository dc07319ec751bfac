// The public API of processes-channel-email. Anything not listed here is internal.

// Re-exported so one import gives everything an EmailChannel takes.
export type { HTMLEmailStyleOptions, LanguageCode, PaletteName, ReportContentOptions } from 'processes-report-html';
export { HTMLEmailStyle, ReportContent } from 'processes-report-html';
export type { ComposeOptions, EmailMessage, EmailReceipt } from './email-channel.js';
export { EmailChannel } from './email-channel.js';
export type { EmailDeliveryErrorInit, EmailOperation } from './errors.js';
export { EmailDeliveryError, SMTPConfigError } from './errors.js';
export type { Addresses, SMTPConfigOptions, SMTPSecurity, SMTPTlsOptions } from './smtp-config.js';
export { SMTPConfig } from './smtp-config.js';
