import type { ProcessExecutionReport, TaskReportEntry, TaskStatus } from 'processes-core';
import { showBidiControls } from './bidi.js';
import { exceptionText, fill, graphFacts, reusedText, statusLabel, waitOf } from './entry-text.js';
import { escapeHtml as esc } from './escape.js';
import { formatDateTime, formatDuration } from './format.js';
import type { Translations } from './languages.js';
import { listTasks, notShownText, type TaskListing } from './listing.js';
import { checkReport, type RenderOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type Palette, paletteCss } from './palettes.js';
import { type TimelineRow, type TimelineScale, timelineRow, timelineScale, timeOf } from './timeline.js';

// Mail clients are the constraint here: Gmail and Outlook drop <style>
// blocks, CSS variables, flexbox and (Outlook) div widths, so the layout is
// nested tables with percentage widths and every style is inline. No script,
// no external image or font.
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";
const TABLE = 'role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"';
/** The Python library's `.badge-success` colours. */
const SUCCESS_BADGE = { bg: '#dcfce7', fg: '#166534' } as const;

/**
 * Renders a report as one self-contained HTML document that reads well in
 * mail clients and browsers alike: a header with the process name, the
 * summary counts, a timeline (one bar per task, from its start to its end,
 * coloured by status) and one card per task. Every string from the report
 * is HTML-escaped. Pure: no I/O.
 *
 * With `onlyErrors`, only the errored tasks are listed (in the cards and the
 * timeline) and the header says so; the counts still cover the whole report.
 * At most `maxTasks` tasks are listed, the errored ones first, and a line
 * under the cards says how many were left out.
 */
export function renderReportHtml(report: ProcessExecutionReport, options: RenderOptions = {}): string {
  const checked = checkReport('renderReportHtml', report);
  const resolved = resolveOptions('renderReportHtml', options);
  const { palette: p, labels: t, language } = resolved;
  const scale = timelineScale(checked);
  // Each listed task's timeline row and card, rendered once: their size is what the budget counts.
  const listing = listTasks(
    checked,
    resolved,
    (entry) => ({
      row: scale ? timelineRowHtml(timelineRow(entry, scale), resolved) : '',
      card: taskCard(entry, resolved),
    }),
    ({ row, card }) => row.length + card.length,
  );
  const name = checked.processName;
  const title = `${t.reportTitlePrefix}${name ? `: ${name}` : ''}`;
  const scheme = p.dark ? 'dark' : 'light';
  return showBidiControls(
    [
      '<!DOCTYPE html>',
      `<html lang="${language}" dir="ltr">`,
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<meta name="color-scheme" content="${scheme}">`,
      `<meta name="supported-color-schemes" content="${scheme}">`,
      `<title>${esc(title)}</title>`,
      `<style>${paletteCss(p)}</style>`,
      '</head>',
      `<body style="margin:0;padding:0;background-color:${p.bgPage};color:${p.textPrimary};font-family:${FONT};">`,
      preheader(checked, t),
      `<table ${TABLE} bgcolor="${p.bgPage}" style="background-color:${p.bgPage};">`,
      '<tr><td align="center" style="padding:24px 12px;">',
      `<table ${TABLE} bgcolor="${p.bgCard}" style="max-width:800px;width:100%;background-color:${p.bgCard};` +
        `border:1px solid ${p.border};border-radius:8px;border-collapse:separate;">`,
      header(checked, resolved),
      section(summary(checked, p, t), '20px 24px 8px 24px'),
      timelineSection(scale, listing, resolved),
      section(tasks(listing, resolved), '8px 24px 24px 24px'),
      '</table>',
      '</td></tr>',
      '</table>',
      '</body>',
      '</html>',
      '',
    ].join('\n'),
  );
}

/** The line inbox lists show next to the subject; hidden in the message itself. */
function preheader(report: ProcessExecutionReport, t: Translations): string {
  const cancelled = report.cancelled.size > 0 ? ` · ${t.cancelledLabel}: ${report.cancelled.size}` : '';
  const text = `${t.successLabel}: ${report.successes.size} · ${t.errorLabel}: ${report.errored.size} · ${t.skippedLabel}: ${report.skipped.size}${cancelled}`;
  return `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${esc(text)}</div>`;
}

function section(content: string, padding: string): string {
  return content ? `<tr><td style="padding:${padding};">\n${content}\n</td></tr>` : '';
}

function heading(text: string, p: Palette): string {
  return (
    `<h2 style="margin:0 0 10px 0;font-size:16px;line-height:22px;font-weight:700;color:${p.textPrimary};` +
    `font-family:${FONT};">${esc(text)}</h2>`
  );
}

function header(report: ProcessExecutionReport, o: ResolvedOptions): string {
  const { palette: p, labels: t } = o;
  const facts: string[] = [];
  if (report.processName) facts.push(`${esc(t.processLabel)}: <strong>${esc(report.processName)}</strong>`);
  if (report.startedAt && timeOf(report.startedAt) !== undefined) {
    facts.push(`${esc(t.startedLabel)}: ${esc(formatDateTime(report.startedAt))}`);
  }
  if (report.elapsedMs !== undefined) facts.push(`${esc(t.durationLabel)}: ${esc(formatDuration(report.elapsedMs))}`);
  const text = o.onlyErrors ? t.reportHeaderErrorsOnly : t.reportHeader;
  return [
    `<tr><td bgcolor="${p.accent}" style="background-color:${p.accent};color:${p.onAccent};padding:20px 24px;` +
      'border-radius:8px 8px 0 0;">',
    `<h1 style="margin:0;font-size:22px;line-height:28px;font-weight:700;color:${p.onAccent};font-family:${FONT};">` +
      `${esc(text)}</h1>`,
    facts.length > 0
      ? `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:${p.onAccent};font-family:${FONT};">` +
        `${facts.join(' &middot; ')}</p>`
      : '',
    '</td></tr>',
  ].join('\n');
}

function summary(report: ProcessExecutionReport, p: Palette, t: Translations): string {
  // Each count in its status's colour, the one its cards and badges use.
  const counts: [string, number, string][] = [
    [t.successLabel, report.successes.size, statusColor('success', p)],
    [t.errorLabel, report.errored.size, statusColor('errored', p)],
    [t.skippedLabel, report.skipped.size, statusColor('skipped', p)],
  ];
  if (report.cancelled.size > 0) counts.push([t.cancelledLabel, report.cancelled.size, statusColor('cancelled', p)]);
  if (report.pending.size > 0) counts.push([t.pendingLabel, report.pending.size, statusColor('pending', p)]);
  const width = Math.floor(100 / counts.length);
  const cells = counts.map(
    ([label, count, color]) =>
      `<td width="${width}%" align="center" style="padding:4px;">` +
      `<table ${TABLE} style="border:1px solid ${p.border};border-radius:6px;border-collapse:separate;">` +
      '<tr><td align="center" style="padding:10px 4px;">' +
      `<div style="font-size:28px;line-height:34px;font-weight:700;color:${color};font-family:${FONT};">${count}</div>` +
      `<div style="font-size:13px;line-height:18px;color:${p.textMuted};font-family:${FONT};">${esc(label)}</div>` +
      '</td></tr></table></td>',
  );
  return `${heading(t.summaryTitle, p)}\n<table ${TABLE}><tr>\n${cells.join('\n')}\n</tr></table>`;
}

/** A status's colour: its count in the summary, its cards' edge, its timeline bars and its badge. */
function statusColor(status: TaskStatus, p: Palette): string {
  if (status === 'success') return p.success;
  if (status === 'errored') return p.errored;
  if (status === 'cancelled') return p.cancelled;
  return p.textMuted;
}

/**
 * The status badge, translated and coloured (the Python library computed
 * both and applied neither). Errored and cancelled badges are filled with the
 * status colour, so the badge, the card's edge and the summary count agree.
 */
function badge(status: TaskStatus, p: Palette, t: Translations): string {
  const { bg, fg } =
    status === 'success'
      ? SUCCESS_BADGE
      : status === 'errored' || status === 'cancelled'
        ? { bg: statusColor(status, p), fg: p.bgCard }
        : { bg: p.codeBg, fg: p.textMuted };
  return (
    `<span data-badge="${esc(status)}" style="display:inline-block;padding:2px 10px;border-radius:10px;` +
    `background-color:${bg};color:${fg};font-size:12px;line-height:18px;font-weight:700;font-family:${FONT};` +
    `white-space:nowrap;">${esc(statusLabel(status, t))}</span>`
  );
}

function timelineSection(
  scale: TimelineScale | undefined,
  listing: TaskListing<{ row: string }>,
  o: ResolvedOptions,
): string {
  if (!scale || listing.shown.length === 0) return '';
  const { palette: p, labels: t } = o;
  const rows = listing.shown.map(({ rendered }) => rendered.row);
  const axis =
    '<tr><td width="28%"></td><td width="58%" style="padding:2px 0 0 0;">' +
    `<table ${TABLE}><tr>` +
    `<td align="left" style="font-size:11px;line-height:14px;color:${p.textMuted};font-family:${FONT};">0</td>` +
    `<td align="right" style="font-size:11px;line-height:14px;color:${p.textMuted};font-family:${FONT};">` +
    `${esc(formatDuration(scale.spanMs))}</td></tr></table></td><td width="14%"></td></tr>`;
  const table = `<table ${TABLE} style="table-layout:fixed;border-collapse:collapse;">\n${rows.join('\n')}\n${axis}\n</table>`;
  return section(`${heading(t.timelineTitle, p)}\n${table}`, '12px 24px 8px 24px');
}

function timelineRowHtml(row: TimelineRow, o: ResolvedOptions): string {
  const { palette: p, labels: t } = o;
  const track = barTrack(row, p, t);
  const right = row.durationMs === undefined ? esc(statusLabel(row.status, t)) : esc(formatDuration(row.durationMs));
  return (
    `<tr data-timeline-row="${esc(row.name)}">` +
    `<td width="28%" style="padding:3px 8px 3px 0;font-size:12px;line-height:16px;color:${p.textPrimary};` +
    `font-family:${MONO};overflow:hidden;text-overflow:ellipsis;white-space:nowrap;" title="${esc(row.name)}">` +
    `${esc(row.name)}</td>` +
    `<td width="58%" style="padding:3px 0;">${track}</td>` +
    `<td width="14%" align="right" style="padding:3px 0 3px 8px;font-size:12px;line-height:16px;` +
    `color:${p.textMuted};font-family:${FONT};white-space:nowrap;">${right}</td></tr>`
  );
}

const cell = (extra: string): string =>
  `style="height:12px;line-height:12px;font-size:1px;mso-line-height-rule:exactly;${extra}"`;

/** A track as wide as the run, with the task's bar placed on it by three percentage-width cells. */
function barTrack(row: TimelineRow, p: Palette, t: Translations): string {
  const open = `<table ${TABLE} bgcolor="${p.codeBg}" style="table-layout:fixed;background-color:${p.codeBg};border-radius:3px;"><tr>`;
  if (row.offsetPct === undefined || row.widthPct === undefined || row.durationMs === undefined) {
    return `${open}<td ${cell('')}>&nbsp;</td></tr></table>`;
  }
  const color = statusColor(row.status, p);
  const waitPct = row.waitPct ?? 0;
  const rest = Math.max(Math.round((100 - row.offsetPct - waitPct - row.widthPct) * 100) / 100, 0);
  const waited = row.waitMs ? `, ${t.waitedLabel.toLowerCase()} ${formatDuration(row.waitMs)}` : '';
  const tip = `${row.name}: +${formatDuration(row.startMs ?? 0)}, ${formatDuration(row.durationMs)}${waited} (${statusLabel(row.status, t)})`;
  const cells = [
    row.offsetPct > 0 ? `<td width="${row.offsetPct}%" ${cell('')}>&nbsp;</td>` : '',
    // The wait: the border colour, hatched where the client draws gradients, so it reads as "not running yet".
    waitPct > 0
      ? `<td width="${waitPct}%" bgcolor="${p.border}" data-wait="${esc(row.name)}" ` +
        `title="${esc(`${row.name}: ${t.waitedLabel} ${formatDuration(row.waitMs ?? 0)}`)}" ` +
        `${cell(`background-color:${p.border};background-image:repeating-linear-gradient(135deg,${p.border} 0 3px,${p.codeBg} 3px 6px);border-radius:3px 0 0 3px;`)}>&nbsp;</td>`
      : '',
    `<td width="${row.widthPct}%" bgcolor="${color}" data-bar="${esc(row.status)}" title="${esc(tip)}" ` +
      `${cell(`background-color:${color};border-radius:3px;`)}>&nbsp;</td>`,
    rest > 0 ? `<td width="${rest}%" ${cell('')}>&nbsp;</td>` : '',
  ];
  return `${open}${cells.join('')}</tr></table>`;
}

function tasks(listing: TaskListing<{ card: string }>, o: ResolvedOptions): string {
  const { palette: p, labels: t } = o;
  if (listing.shown.length === 0 && listing.notShown === 0) {
    return `${heading(t.tasksTitle, p)}\n<p style="margin:0;font-size:14px;color:${p.textMuted};font-family:${FONT};">${esc(t.noTasks)}</p>`;
  }
  const cards = listing.shown.map(({ rendered }) => rendered.card);
  if (listing.notShown > 0) {
    cards.push(
      `<p data-not-shown="${listing.notShown}" style="margin:0;font-size:14px;line-height:20px;color:${p.textMuted};` +
        `font-family:${FONT};">${esc(notShownText(listing, t))}</p>`,
    );
  }
  return `${heading(t.tasksTitle, p)}\n${cards.join('\n')}`;
}

function taskCard(entry: TaskReportEntry, o: ResolvedOptions): string {
  const { palette: p, labels: t, content } = o;
  const rows: string[] = [field(t.functionLabel, code(entry.function, p), p)];
  if (entry.attempts > 0) {
    rows.push(field(t.durationLabel, esc(formatDuration(entry.elapsedMs)), p));
    rows.push(field(t.attemptsLabel, String(entry.attempts), p));
  }
  const waitedMs = waitOf(entry);
  if (waitedMs !== undefined) rows.push(field(t.waitedLabel, esc(formatDuration(waitedMs)), p));
  const byRule = entry.skip !== undefined && entry.skip.rule !== 'allSuccess';
  if (entry.skippedBecause && !byRule) {
    rows.push(field(t.statusSkipped, esc(fill(t.skippedBecause, { task: entry.skippedBecause })), p));
  }
  for (const [label, text] of graphFacts(entry, t)) rows.push(field(label, esc(text), p));
  const reused = reusedText(entry, t);
  if (reused) rows.push(field(t.reusedLabel, esc(reused), p));
  if (entry.notRetried) rows.push(field(t.notRetriedLabel, esc(entry.notRetried.message), p));
  const error = entry.status === 'errored' || entry.status === 'cancelled' ? entry.error : undefined;
  const blocks: string[] = [];
  // A task cancelled while running shows only the abort: its stack is the engine's, and nothing was skipped for it.
  if (error && entry.status === 'cancelled') rows.push(field(t.exceptionLabel, code(exceptionText(error), p), p));
  else if (error) {
    rows.push(field(t.exceptionLabel, code(exceptionText(error), p), p));
    if (error.downstreamImpact.length > 0) {
      const items = error.downstreamImpact.map((name) => `<li style="margin:0;">${code(name, p)}</li>`).join('');
      rows.push(field(t.downstreamTitle, `<ul style="margin:0;padding:0 0 0 18px;">${items}</ul>`, p));
    }
    if (content.showTraceback && error.traceback) {
      blocks.push(subsection(t.tracebackTitle, p), pre(error.traceback, p));
    }
    const vars = Object.entries(error.tracedVars);
    if (content.showTracedVars && vars.length > 0) {
      const blurb = fill(t.tracedVarsBlurb, { location: error.tracedVarsLocation || '?' });
      blocks.push(
        subsection(t.tracedVarsTitle, p),
        `<p style="margin:0 0 4px 0;font-size:13px;line-height:18px;color:${p.textMuted};font-family:${FONT};">${esc(blurb)}</p>`,
        pre(vars.map(([key, value]) => `${key} = ${value}`).join('\n'), p),
      );
    }
  }
  const accent = statusColor(entry.status, p);
  return [
    `<table ${TABLE} data-task="${esc(entry.name)}" data-status="${esc(entry.status)}" style="border:1px solid ${p.border};` +
      `border-left:4px solid ${accent};border-radius:6px;border-collapse:separate;">`,
    '<tr><td style="padding:10px 12px;">',
    `<table ${TABLE}><tr>` +
      `<td style="font-size:15px;line-height:20px;font-weight:700;color:${p.textPrimary};font-family:${MONO};` +
      `word-break:break-all;">${esc(entry.name)}</td>` +
      `<td align="right" width="1%" style="padding-left:8px;white-space:nowrap;">${entry.reused ? reusedMarker(p, t) : ''}${badge(entry.status, p, t)}</td></tr></table>`,
    `<table ${TABLE} style="margin-top:6px;">\n${rows.join('\n')}\n</table>`,
    ...blocks,
    '</td></tr></table>',
    // A spacer row instead of a margin, which Outlook ignores on tables.
    `<table ${TABLE}><tr><td style="height:10px;line-height:10px;font-size:1px;">&nbsp;</td></tr></table>`,
  ].join('\n');
}

function field(label: string, valueHtml: string, p: Palette): string {
  return (
    `<tr><td width="28%" valign="top" style="padding:3px 8px 3px 0;font-size:13px;line-height:18px;color:${p.textMuted};` +
    `font-family:${FONT};">${esc(label)}</td>` +
    `<td valign="top" style="padding:3px 0;font-size:13px;line-height:18px;color:${p.textPrimary};font-family:${FONT};` +
    `word-break:break-word;">${valueHtml}</td></tr>`
  );
}

function code(text: string, p: Palette): string {
  return (
    `<code style="font-family:${MONO};font-size:12px;background-color:${p.codeBg};color:${p.textPrimary};` +
    `padding:1px 4px;border-radius:3px;">${esc(text)}</code>`
  );
}

function subsection(title: string, p: Palette): string {
  return (
    `<div style="margin:12px 0 4px 0;font-size:13px;line-height:18px;font-weight:700;color:${p.textPrimary};` +
    `font-family:${FONT};">${esc(title)}</div>`
  );
}

function pre(text: string, p: Palette): string {
  return (
    `<pre style="margin:0;padding:10px 12px;background-color:${p.codeBg};color:${p.textPrimary};font-family:${MONO};` +
    'font-size:12px;line-height:17px;white-space:pre-wrap;word-wrap:break-word;word-break:break-word;' +
    `border-radius:4px;">${esc(text)}</pre>`
  );
}

/** A quiet outlined label beside the status badge: the task succeeded without running. */
function reusedMarker(p: Palette, t: Translations): string {
  return (
    `<span data-reused="true" style="display:inline-block;margin-right:6px;padding:1px 7px;border:1px solid ${p.border};` +
    `border-radius:10px;font-size:11px;line-height:16px;color:${p.textMuted};font-family:${FONT};">${esc(t.reusedLabel)}</span>`
  );
}
