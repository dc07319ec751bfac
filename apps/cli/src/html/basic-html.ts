import { type ProcessExecutionReport, renderValue, type TaskReportEntry } from 'processes';
import { formatDuration } from '../format.js';
import type { HtmlReportOptions } from './html-report.js';

const STATUS_COLOURS: Record<string, readonly [background: string, text: string]> = {
  success: ['#dcfce7', '#166534'],
  errored: ['#fee2e2', '#991b1b'],
  skipped: ['#fef9c3', '#854d0e'],
  pending: ['#f1f5f9', '#475569'],
};

/** Escapes text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A plain, self-contained HTML page for a report: the counts, one row per
 * task, and each failure's traceback and traced variables. No script, no
 * external resource; every string from the report is escaped.
 */
export function renderBasicHtml(report: ProcessExecutionReport, options: HtmlReportOptions = {}): string {
  const title = `Process execution report${report.processName ? ` — ${report.processName}` : ''}`;
  const entries = [...report.entries.values()].filter((e) => !options.onlyErrors || e.status === 'errored');
  const counts = [
    ['success', report.successes.size],
    ['errored', report.errored.size],
    ['skipped', report.skipped.size],
    ['pending', report.pending.size],
  ] as const;
  const started = report.startedAt ? report.startedAt.toISOString() : 'unknown';
  const elapsed = report.elapsedMs === undefined ? 'unknown' : formatDuration(report.elapsedMs);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#0f172a;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .25rem}
.meta{color:#475569;margin:0 0 1rem}
.counts span{display:inline-block;margin-right:.5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e2e8f0;vertical-align:top}
th{font-weight:600;color:#475569}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{border-radius:999px;padding:.05rem .55rem;font-size:.85em;font-weight:600;white-space:nowrap}
section.failure{border:1px solid #fecaca;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}
section.failure h3{margin:0 0 .5rem;font-size:1rem}
pre{background:#f8fafc;border:1px solid #e2e8f0;border-radius:.35rem;padding:.6rem;overflow:auto;font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Started ${escapeHtml(started)} · took ${escapeHtml(elapsed)} · ${report.entries.size} tasks</p>
<p class="counts">${counts
    .filter(([status, count]) => count > 0 || status !== 'pending')
    .map(([status, count]) => `<span>${badge(status)} ${count}</span>`)
    .join('')}</p>
${
  entries.length === 0
    ? `<p>${options.onlyErrors ? 'No task errored.' : 'The process has no tasks.'}</p>`
    : `<table>
<thead><tr><th>Task</th><th>Status</th><th>Function</th><th>Attempts</th><th>Time</th><th>Detail</th></tr></thead>
<tbody>
${entries.map(row).join('\n')}
</tbody>
</table>`
}
${[...report.errored.values()].map(failure).join('\n')}
</body>
</html>
`;
}

function badge(status: string): string {
  const [background, text] = STATUS_COLOURS[status] ?? ['#f1f5f9', '#475569'];
  return `<span class="badge" style="background:${background};color:${text}">${escapeHtml(status)}</span>`;
}

function row(entry: TaskReportEntry): string {
  const cells = [
    `<code>${escapeHtml(entry.name)}</code>`,
    badge(entry.status),
    `<code>${escapeHtml(entry.function)}</code>`,
    `${entry.attempts}`,
    entry.attempts > 0 ? escapeHtml(formatDuration(entry.elapsedMs)) : '–',
    escapeHtml(detail(entry)),
  ];
  return `<tr>${cells.map((cell, i) => `<td${i === 3 || i === 4 ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`;
}

function detail(entry: TaskReportEntry): string {
  if (entry.status === 'errored' && entry.error) return `${entry.error.errorName}: ${entry.error.exception}`;
  if (entry.status === 'skipped') return `because ${entry.skippedBecause ?? 'a dependency'} errored`;
  if (entry.status === 'success' && entry.result !== undefined) {
    return renderValue(entry.result, { depth: 2, maxItems: 5, maxStringLength: 80, maxLength: 160 });
  }
  return '';
}

function failure(entry: TaskReportEntry): string {
  const error = entry.error;
  if (!error) return '';
  const vars = Object.entries(error.tracedVars);
  return `<section class="failure" id="failure-${escapeHtml(entry.name)}">
<h3>${badge('errored')} <code>${escapeHtml(entry.name)}</code> — ${escapeHtml(`${error.errorName}: ${error.exception}`)}</h3>
${error.downstreamImpact.length > 0 ? `<p>Skipped because of it: ${error.downstreamImpact.map((n) => `<code>${escapeHtml(n)}</code>`).join(', ')}</p>` : ''}
<pre><code>${escapeHtml(error.traceback)}</code></pre>
${
  vars.length > 0
    ? `<p>Local variables${error.tracedVarsLocation ? ` at <code>${escapeHtml(error.tracedVarsLocation)}</code>` : ''}:</p>
<table><tbody>${vars.map(([name, value]) => `<tr><td><code>${escapeHtml(name)}</code></td><td><code>${escapeHtml(value)}</code></td></tr>`).join('')}</tbody></table>`
    : ''
}
</section>`;
}
