import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import { renderValue } from '../logging/render-value.js';
import { NOTIFY_DEFAULTS, notifyOptionsSchema } from '../options/notify-options.js';
import { parseOptions } from '../options/parse.js';
import type { ExecutionReport, NotifyOptions, NotifyOutcome, ReportChannel } from './types.js';

export async function notifyChannels(
  report: ExecutionReport,
  channels: readonly ReportChannel[],
  options?: NotifyOptions,
): Promise<NotifyOutcome[]> {
  const o = parseOptions({ where: 'report.notify()' }, notifyOptionsSchema, options);
  const { tasks, signal } = o;
  const onlyErrors = o.onlyErrors ?? NOTIFY_DEFAULTS.onlyErrors;
  const showWarnings = o.showWarnings ?? NOTIFY_DEFAULTS.showWarnings;
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
  report: ExecutionReport,
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
  emitProcessesWarning(
    WarningCode.CHANNEL_FAILED,
    `${name} failed to send report: ${message}`,
    readText(() => error.stack),
  );
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
