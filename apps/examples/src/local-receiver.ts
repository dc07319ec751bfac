import type { ReportChannel } from 'processes-js';

/**
 * A destination started on 127.0.0.1 for the reports-and-notifications
 * example, with the channel that delivers to it. Each kind of channel
 * (webhook, email, …) brings one `start` function returning this.
 */
export interface LocalReceiver {
  /** The channel to pass to `report.notify()`, configured for this receiver. */
  readonly channel: ReportChannel;
  /** One line saying where it listens, for the offline description too. */
  readonly description: string;
  /** What arrived so far, as lines to print. */
  received(): string[];
  close(): Promise<void>;
}

/** A kind of destination the example can start: what it is, and how to start one. */
export interface ReceiverKind {
  /** What is started, for the offline description. */
  readonly what: string;
  start(): Promise<LocalReceiver>;
}
