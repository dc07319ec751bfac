import { z } from 'zod';
import { ReportFormatError } from '../errors/errors.js';
import type { SerializedError } from '../errors/serialize-error.js';
import { type JsonValue, toJsonSafe } from '../logging/json-safe.js';
import type { Redaction } from '../logging/redaction.js';
import type { ErrorData, ProcessExecutionReport, ReportInit, TaskReportEntry } from './report.js';
import { TaskStatus } from './status.js';

/** The version of the report document; bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** `report.toJSON()`: field names follow the seed's wire format (docs/report-schema.md). */
export interface ReportDocument {
  schema_version: typeof REPORT_SCHEMA_VERSION;
  process_name: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_seconds: number | null;
  summary: { success: number; errored: number; skipped: number; pending: number };
  /**
   * The task names in topological order. `entries` is an object, and
   * JavaScript orders integer-like keys ("1", "2") first, so readers take the
   * order from here.
   */
  order: string[];
  entries: Record<string, EntryDocument>;
}

export interface EntryDocument {
  name: string;
  function: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  status: TaskStatus;
  elapsed_seconds: number;
  /** The same duration in milliseconds, kept so a round trip is exact. */
  elapsed_ms: number;
  attempts: number;
  result: JsonValue;
  error: ErrorDocument | null;
  started_at: string | null;
  finished_at: string | null;
  skipped_because: string | null;
  thread_id: number | null;
}

export interface ErrorDocument {
  task_name: string;
  function: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  downstream_impact: string[];
  exception: string;
  error_name: string;
  traceback_str: string;
  traced_vars: Record<string, string>;
  traced_vars_location: string;
  thrown: ThrownDocument;
}

export interface ThrownDocument {
  name: string;
  message: string;
  stack: string | null;
  code: string | null;
  class_chain: string[];
  cause: ThrownDocument | null;
  errors: ThrownDocument[] | null;
  props: Record<string, JsonValue> | null;
  non_error: boolean;
}

export function reportToJson(report: ProcessExecutionReport): ReportDocument {
  const entries: Record<string, EntryDocument> = {};
  for (const [name, entry] of report.entries) entries[name] = entryToJson(entry, report.redaction);
  const elapsed = report.elapsedMs;
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    process_name: report.processName,
    started_at: report.startedAt?.toISOString() ?? null,
    finished_at: report.finishedAt?.toISOString() ?? null,
    elapsed_seconds: elapsed === undefined ? null : elapsed / 1000,
    summary: {
      success: report.successes.size,
      errored: report.errored.size,
      skipped: report.skipped.size,
      pending: report.pending.size,
    },
    order: [...report.entries.keys()],
    entries,
  };
}

function entryToJson(entry: TaskReportEntry, redaction: Redaction): EntryDocument {
  return {
    name: entry.name,
    function: entry.function,
    args: toJsonSafe(entry.args, redaction) as JsonValue[],
    kwargs: toJsonSafe(entry.kwargs, redaction) as Record<string, JsonValue>,
    status: entry.status,
    elapsed_seconds: entry.elapsedMs / 1000,
    elapsed_ms: entry.elapsedMs,
    attempts: entry.attempts,
    result: entry.status === TaskStatus.SUCCESS ? toJsonSafe(entry.result) : null,
    error: entry.status === TaskStatus.ERRORED && entry.error ? errorToJson(entry.error, redaction) : null,
    started_at: entry.startedAt?.toISOString() ?? null,
    finished_at: entry.finishedAt?.toISOString() ?? null,
    skipped_because: entry.skippedBecause ?? null,
    thread_id: entry.threadId ?? null,
  };
}

function errorToJson(error: ErrorData, redaction: Redaction): ErrorDocument {
  return {
    task_name: error.taskName,
    function: error.function,
    args: toJsonSafe(error.args, redaction) as JsonValue[],
    kwargs: toJsonSafe(error.kwargs, redaction) as Record<string, JsonValue>,
    downstream_impact: [...error.downstreamImpact],
    exception: error.exception,
    error_name: error.errorName,
    traceback_str: error.traceback,
    traced_vars: { ...error.tracedVars },
    traced_vars_location: error.tracedVarsLocation,
    thrown: thrownToJson(error.thrown),
  };
}

function thrownToJson(thrown: SerializedError): ThrownDocument {
  return {
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack ?? null,
    code: thrown.code ?? null,
    class_chain: [...thrown.classChain],
    cause: thrown.cause ? thrownToJson(thrown.cause) : null,
    errors: thrown.errors ? thrown.errors.map(thrownToJson) : null,
    props: thrown.props ? { ...thrown.props } : null,
    non_error: thrown.nonError === true,
  };
}

// ---- reading ---------------------------------------------------------------

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);
const isoDate = z.iso.datetime({ offset: true }).nullable();

const thrownSchema: z.ZodType<ThrownDocument> = z.lazy(() =>
  z.object({
    name: z.string(),
    message: z.string(),
    stack: z.string().nullable(),
    code: z.string().nullable(),
    class_chain: z.array(z.string()),
    cause: thrownSchema.nullable(),
    errors: z.array(thrownSchema).nullable(),
    props: z.record(z.string(), json).nullable(),
    non_error: z.boolean(),
  }),
);

const errorSchema = z.object({
  task_name: z.string(),
  function: z.string(),
  args: z.array(json),
  kwargs: z.record(z.string(), json),
  downstream_impact: z.array(z.string()),
  exception: z.string(),
  error_name: z.string(),
  traceback_str: z.string(),
  traced_vars: z.record(z.string(), z.string()),
  traced_vars_location: z.string(),
  thrown: thrownSchema,
});

const entrySchema = z.object({
  name: z.string(),
  function: z.string(),
  args: z.array(json),
  kwargs: z.record(z.string(), json),
  status: z.enum([TaskStatus.PENDING, TaskStatus.SUCCESS, TaskStatus.ERRORED, TaskStatus.SKIPPED]),
  elapsed_seconds: z.number(),
  elapsed_ms: z.number().optional(),
  attempts: z.number().int().nonnegative(),
  result: json,
  error: errorSchema.nullable(),
  started_at: isoDate.optional(),
  finished_at: isoDate.optional(),
  skipped_because: z.string().nullable().optional(),
  thread_id: z.number().int().nullable().optional(),
});

const documentSchema = z.object({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  process_name: z.string(),
  started_at: isoDate.optional(),
  finished_at: isoDate.optional(),
  order: z.array(z.string()).optional(),
  entries: z.record(z.string(), entrySchema),
});

export function reportFromJson(input: unknown): ReportInit {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ReportFormatError('', `the string is not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const version = (value as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && version > REPORT_SCHEMA_VERSION) {
    throw new ReportFormatError(
      'schema_version',
      `version ${version} was written by a newer release; this one reads version ${REPORT_SCHEMA_VERSION}`,
    );
  }
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportFormatError(issue?.path.join('.') ?? '', issue?.message ?? 'invalid document');
  }
  const doc = parsed.data;
  return {
    processName: doc.process_name,
    entries: orderedEntries(doc).map(entryFromJson),
    ...dates(doc.started_at, doc.finished_at),
  };
}

/** The entries in the document's `order` when it has one (seed documents do not), else in key order. */
function orderedEntries(doc: z.infer<typeof documentSchema>): z.infer<typeof entrySchema>[] {
  const byName = new Map(Object.entries(doc.entries));
  const ordered = (doc.order ?? []).flatMap((name) => {
    const entry = byName.get(name);
    byName.delete(name);
    return entry ? [entry] : [];
  });
  return [...ordered, ...byName.values()];
}

function entryFromJson(doc: z.infer<typeof entrySchema>): TaskReportEntry {
  return {
    name: doc.name,
    function: doc.function,
    args: doc.args,
    kwargs: doc.kwargs,
    status: doc.status,
    elapsedMs: doc.elapsed_ms ?? doc.elapsed_seconds * 1000,
    attempts: doc.attempts,
    ...(doc.status === TaskStatus.SUCCESS ? { result: doc.result } : {}),
    ...(doc.error ? { error: errorFromJson(doc.error) } : {}),
    ...dates(doc.started_at, doc.finished_at),
    ...(typeof doc.skipped_because === 'string' ? { skippedBecause: doc.skipped_because } : {}),
    ...(typeof doc.thread_id === 'number' ? { threadId: doc.thread_id } : {}),
  };
}

function errorFromJson(doc: z.infer<typeof errorSchema>): ErrorData {
  return {
    taskName: doc.task_name,
    function: doc.function,
    args: doc.args,
    kwargs: doc.kwargs,
    downstreamImpact: doc.downstream_impact,
    exception: doc.exception,
    errorName: doc.error_name,
    traceback: doc.traceback_str,
    tracedVars: doc.traced_vars,
    tracedVarsLocation: doc.traced_vars_location,
    thrown: thrownFromJson(doc.thrown),
  };
}

function thrownFromJson(doc: ThrownDocument): SerializedError {
  return {
    name: doc.name,
    message: doc.message,
    classChain: doc.class_chain,
    ...(doc.stack !== null ? { stack: doc.stack } : {}),
    ...(doc.code !== null ? { code: doc.code } : {}),
    ...(doc.cause ? { cause: thrownFromJson(doc.cause) } : {}),
    ...(doc.errors ? { errors: doc.errors.map(thrownFromJson) } : {}),
    ...(doc.props ? { props: doc.props } : {}),
    ...(doc.non_error ? { nonError: true } : {}),
  };
}

function dates(started: string | null | undefined, finished: string | null | undefined) {
  return {
    ...(started ? { startedAt: new Date(started) } : {}),
    ...(finished ? { finishedAt: new Date(finished) } : {}),
  };
}
