import { emitProcessesWarning, WarningCode } from '../errors/warnings.js';
import { renderValue } from '../logging/render-value.js';
import type { ExecutionReport, NotifyOptions, NotifyOutcome, ReportChannel } from './types.js';

export async function notifyChannels(
  report: ExecutionReport,
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
        emitProcessesWarning(
          WarningCode.CHANNEL_FAILED,
          `${name} failed to send report: ${error.message}`,
          error.stack ?? '',
        );
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
