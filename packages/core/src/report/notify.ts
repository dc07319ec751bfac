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
  /**
   * Passed to each channel; aborting it asks channels to give up, and
   * notify() stops waiting for a channel 1 s after the abort (its outcome
   * is then the abort reason) even if that channel ignores the signal. Pass
   * `AbortSignal.timeout(ms)` to bound a notify() whose channels might never
   * settle.
   */
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
      const receipt = await sendBounded(channel, selected, onlyErrors, signal);
      outcomes.push({ channel: name, ok: true, sent: true, ...(receipt === undefined ? {} : { receipt }) });
    } catch (thrown) {
      const error = asError(thrown);
      outcomes.push({ channel: name, ok: false, error });
      if (showWarnings) warnChannelFailed(name, error);
    }
  }
  return outcomes;
}

/**
 * How long notify() still waits for a channel once the signal has aborted:
 * a channel that honours its signal settles well within it, with its own
 * error; one that ignores its signal is given up on.
 */
export const NOTIFY_ABORT_GRACE_MS = 1000;

/**
 * Calls `send` (a synchronous throw and a non-promise return are both
 * fine) and waits for it, but no longer than `signal` allows: a channel
 * that ignores its signal and never settles must not hold notify() forever.
 */
function sendBounded(
  channel: ReportChannel,
  report: ProcessExecutionReport,
  onlyErrors: boolean,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const sent = Promise.resolve().then(() => channel.send(report, { onlyErrors, ...(signal ? { signal } : {}) }));
  if (!signal) return sent;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = (): void => {
      timer = setTimeout(() => reject(signal.reason ?? new Error('notify() was aborted')), NOTIFY_ABORT_GRACE_MS);
    };
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
    sent.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', giveUp);
    });
  });
}

function warnChannelFailed(name: string, error: Error): void {
  const message = readText(() => error.message);
  process.emitWarning(`${name} failed to send report: ${message}`, {
    type: 'ProcessesWarning',
    code: CHANNEL_FAILED_WARNING,
    detail: readText(() => error.stack),
  });
}

/** A property of a channel's error as text; a getter that throws must not make notify reject. */
function readText(read: () => unknown): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : value === undefined ? '' : renderValue(value);
  } catch (thrown) {
    return `<unreadable: ${renderValue(thrown)}>`;
  }
}

/** What a channel threw, as an Error; a hostile value (a Proxy whose traps throw) must not make notify reject. */
function asError(thrown: unknown): Error {
  try {
    return thrown instanceof Error ? thrown : new Error(String(thrown));
  } catch {
    return new Error(renderValue(thrown));
  }
}

/** The channel's name for outcomes and warnings; a getter that throws falls back to the class name. */
function channelName(channel: ReportChannel): string {
  try {
    const name: unknown = channel?.name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // Fall through to the class name.
  }
  try {
    const className: unknown = channel?.constructor?.name;
    return typeof className === 'string' && className ? className : 'channel';
  } catch {
    return 'channel';
  }
}
