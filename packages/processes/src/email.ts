// `processes-js/email`: the email channel alone (processes-channel-email).
// Listed by name, like every entry; test/exports.test.ts checks the list against the package.
export type {
  Addresses,
  ComposeOptions,
  EmailDeliveryErrorInit,
  EmailMessage,
  EmailOperation,
  EmailReceipt,
  HTMLEmailStyleOptions,
  LanguageCode,
  PaletteName,
  ReportContentOptions,
  SMTPConfigOptions,
  SMTPSecurity,
  SMTPTlsOptions,
} from 'processes-channel-email';
export {
  EmailChannel,
  EmailDeliveryError,
  HTMLEmailStyle,
  ReportContent,
  SMTPConfig,
  SMTPConfigError,
} from 'processes-channel-email';
