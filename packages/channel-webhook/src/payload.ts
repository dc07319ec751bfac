import {
  type ErrorData,
  type JsonValue,
  type ProcessExecutionReport,
  ReportContent,
  type TaskReportEntry,
  TaskStatus,
  toJsonSafe,
} from 'processes-core';
import type { ContentFlags } from 'processes-core/internal';
import { setOwn } from 'processes-core/internal';
import { resultValue } from './result-value.js';

/**
 * The version of the webhook report object; bumped on any incompatible
 * change. Version 2 added the `cancelled` status (a task the run's abort
 * stopped; with an `error` when it was running then).
 */
export const WEBHOOK_SCHEMA_VERSION = 2;

/**
 * The report as the webhook sends it (docs/webhook-schema.md). Keys, in
 * order, are the Python library's, so receivers built for the Python library keep
 * working; `schema_version` is added last.
 */
export interface WebhookReportDocument {
  process_name: string;
  entries: Record<string, WebhookEntryDocument>;
  schema_version: typeof WEBHOOK_SCHEMA_VERSION;
}

/** One task in a {@link WebhookReportDocument}. */
export interface WebhookEntryDocument {
  status: TaskStatus;
  function: string;
  elapsed_seconds: number;
  attempts: number;
  /** Only for a successful task: the result as JSON, or a readable string when it is not plain JSON. */
  result?: JsonValue;
  /** Only for an errored task, and a cancelled one that was running when the run was aborted. */
  error?: WebhookErrorDocument;
}

/** Why a task errored, as much as the content allows. */
export interface WebhookErrorDocument {
  exception: string;
  downstream_impact: string[];
  /** When the content shows tracebacks (may be `''`). */
  traceback?: string;
  /** When the content shows traced variables and some were captured. */
  traced_vars?: Record<string, string>;
  traced_vars_location?: string;
  /** The error's class name (`TypeError`, `TaskTimeoutError`); not in the Python library. */
  error_name: string;
}

/** What goes into a webhook body besides the report. */
export interface WebhookPayloadOptions {
  /** Send only the errored entries. @default false */
  onlyErrors?: boolean;
  /** Which error details to include. @default ReportContent.full */
  content?: ContentFlags;
  /** Put the report under this top-level key; `null` or `''` sends it flat. @default null */
  nestUnder?: string | null;
  /** Top-level keys merged last; they win on collision, as in the Python library. @default {} */
  extraPayload?: Readonly<Record<string, unknown>>;
}

/**
 * The body a `WebhookChannel` sends for `report`, as an object (the channel
 * sends `JSON.stringify` of it). Exported so receivers can build fixtures.
 */
export function buildWebhookPayload(
  report: ProcessExecutionReport,
  options: WebhookPayloadOptions = {},
): Record<string, JsonValue> {
  const { onlyErrors = false, content = ReportContent.full, nestUnder = null, extraPayload = {} } = options;
  const entries: Record<string, WebhookEntryDocument> = {};
  for (const [name, entry] of onlyErrors ? report.errored : report.entries) {
    setOwn(entries, name, entryDocument(entry, content));
  }
  const document: WebhookReportDocument = {
    process_name: report.processName,
    entries,
    schema_version: WEBHOOK_SCHEMA_VERSION,
  };
  const body: Record<string, JsonValue> = {};
  if (nestUnder) setOwn(body, nestUnder, document as unknown as JsonValue);
  else Object.assign(body, document);
  // The Python library's `{**generic, **extra_payload}`: extra keys stay top-level and win.
  for (const [key, value] of Object.entries(extraPayload)) setOwn(body, key, toJsonSafe(value));
  return body;
}

function entryDocument(entry: TaskReportEntry, content: ContentFlags): WebhookEntryDocument {
  const out: WebhookEntryDocument = {
    status: entry.status,
    function: entry.function,
    elapsed_seconds: entry.elapsedMs / 1000,
    attempts: entry.attempts,
  };
  if (entry.status === TaskStatus.SUCCESS) out.result = resultValue(entry.result);
  if (entry.error) out.error = errorDocument(entry.error, content);
  return out;
}

function errorDocument(error: ErrorData, content: ContentFlags): WebhookErrorDocument {
  const out: Partial<WebhookErrorDocument> = {
    exception: error.exception,
    downstream_impact: [...error.downstreamImpact],
  };
  if (content.showTraceback) out.traceback = error.traceback;
  if (content.showTracedVars && Object.keys(error.tracedVars).length > 0) {
    out.traced_vars = { ...error.tracedVars };
    out.traced_vars_location = error.tracedVarsLocation;
  }
  out.error_name = error.errorName;
  return out as WebhookErrorDocument;
}
