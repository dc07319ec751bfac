import type { ProcessExecutionReport } from 'processes-core';
import { renderReportHtml } from 'processes-report-html';

/** Options of the HTML report; a subset of `processes-report-html`'s `RenderOptions`. */
export interface HtmlReportOptions {
  /** List only the errored tasks (the counts still cover the whole report). @default false */
  readonly onlyErrors?: boolean;
}

/** Turns a report into one self-contained HTML document. */
export type RenderHtml = (report: ProcessExecutionReport, options?: HtmlReportOptions) => string;

/**
 * The HTML renderer behind `processes run --html` and the ETL example: the
 * mail-client-proof report of `processes-report-html` (summary, timeline,
 * every failure), the same document the email channel sends.
 */
export const renderHtml: RenderHtml = (report, options = {}) =>
  renderReportHtml(report, { onlyErrors: options.onlyErrors ?? false });
