import type { ProcessExecutionReport } from 'processes';
import { renderBasicHtml } from './basic-html.js';

/** Options of an HTML renderer; a subset of `@processes/report-html`'s `RenderOptions`. */
export interface HtmlReportOptions {
  /** List only the errored tasks (the counts still cover the whole report). @default false */
  readonly onlyErrors?: boolean;
}

/** Turns a report into one self-contained HTML document. */
export type RenderHtml = (report: ProcessExecutionReport, options?: HtmlReportOptions) => string;

/**
 * The HTML renderer behind `processes run --html` and the ETL example. This
 * binding is the one place to change renderer: `renderReportHtml` from
 * `@processes/report-html` has this signature.
 */
export const renderHtml: RenderHtml = renderBasicHtml;
