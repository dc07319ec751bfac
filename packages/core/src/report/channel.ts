import type { ProcessExecutionReport } from './report.js';

/** What a channel is told besides the report. */
export interface SendOptions {
  /** Send only the errored entries (summary counts still describe the whole report). */
  readonly onlyErrors: boolean;
  /** Aborted when the caller gives up; a channel should stop its I/O. */
  readonly signal?: AbortSignal;
}

/**
 * Somewhere a finished report can be delivered (email, webhook, your own).
 * Implement `send`; `verify` and `close` are optional, as nodemailer treats
 * its transports' optional methods.
 */
export interface ReportChannel {
  /** Shown in outcomes and warnings, e.g. `EmailChannel`. */
  readonly name: string;
  /**
   * Delivers the report, or throws/rejects saying why not. Whatever it
   * resolves to (delivery details such as attempts or a message id) is kept
   * as the outcome's `receipt`.
   */
  send(report: ProcessExecutionReport, options: SendOptions): unknown;
  /** Checks the destination is reachable and accepts us, without sending. */
  verify?(): Promise<unknown>;
  /** Releases connections or other resources. */
  close?(): Promise<void> | void;
}
