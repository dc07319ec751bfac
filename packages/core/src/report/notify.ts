import { renderValue } from '../logging/render-value.js';
import type { ReportChannel } from './channel.js';
import type { ProcessExecutionReport } from './report.js';

/** Options of `report.notify()`. */
export interface NotifyOptions {
  /**
   * Send only the errored entries. When the report (after the `tasks`
   * filter) has no errored entry, no channel is called. @default false
   */
  onlyErrors?: boolean;
  /** Send only these tasks (names match ignoring case). @default all tasks */
  tasks?: Iterable<string>;
  /** Emit a `PROC_CHANNEL_FAILED` process warning when a channel fails. @default true */
  showWarnings?: boolean;
  /** Passed to each channel; aborting it asks channels to give up. */
  signal?: AbortSignal;
}

/** What happened at one channel. */
export type NotifyOutcome =
  | {
      readonly channel: string;
      readonly ok: true;
      /** False when nothing was sent because `onlyErrors` found no errors. */
      readonly sent: boolean;
      /** What the channel's `send` resolved to (delivery details), if anything. */
      readonly receipt?: unknown;
    }
  | { readonly channel: string; readonly ok: false; readonly error: Error };

export const CHANNEL_FAILED_WARNING = 'PROC_CHANNEL_FAILED';

export async function notifyChannels(
  report: ProcessExecutionReport,
  channels: readonly ReportChannel[],
  options: NotifyOptions = {},
): Promise<NotifyOutcome[]> {
  const { onlyErrors = false, tasks, showWarnings = true, signal } = options;
  const selected = tasks === undefined ? report : report.pick(tasks);
  if (onlyErrors && selected.errored.size === 0) {
    return channels.map((channel) => ({ channel: channelName(channel), ok: true, sent: false }));
  }
  const outcomes: NotifyOutcome[] = [];
  for (const channel of channels) {
    const name = channelName(channel);
    try {
      const receipt = await channel.send(selected, { onlyErrors, ...(signal ? { signal } : {}) });
      outcomes.push({ channel: name, ok: true, sent: true, ...(receipt === undefined ? {} : { receipt }) });
    } catch (thrown) {
      const error = asError(thrown);
      outcomes.push({ channel: name, ok: false, error });
      if (showWarnings) {
        process.emitWarning(`${name} failed to send report: ${error.message}`, {
          type: 'ProcessesWarning',
          code: CHANNEL_FAILED_WARNING,
          detail: error.stack ?? '',
        });
      }
    }
  }
  return outcomes;
}

/** What a channel threw, as an Error; a hostile value (a Proxy whose traps throw) must not make notify reject. */
function asError(thrown: unknown): Error {
  try {
    return thrown instanceof Error ? thrown : new Error(String(thrown));
  } catch {
    return new Error(renderValue(thrown));
  }
}

function channelName(channel: ReportChannel): string {
  return typeof channel?.name === 'string' && channel.name ? channel.name : (channel?.constructor?.name ?? 'channel');
}
