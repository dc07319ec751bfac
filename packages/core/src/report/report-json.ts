import { z } from 'zod';
import { ReportFormatError } from '../errors/errors.js';
import type { SerializedError } from '../errors/serialize-error.js';
import { type JsonValue, setOwn, toJsonSafe } from '../logging/json-safe.js';
import type { Redaction } from '../logging/redaction.js';
import { describeThrown } from '../logging/render-value.js';
import { TRIGGER_RULES } from '../options/trigger-rule.js';
import { decodeV8Result, encodeResult, markLossyResult } from './result-encoding.js';
import { TaskStatus } from './status.js';
import type {
  EntryDocument,
  ErrorData,
  ErrorDocument,
  ExecutionReport,
  ReportDocument,
  ReportInit,
  RunReason,
  TaskReportEntry,
  ThrownDocument,
} from './types.js';

/**
 * The version of the report document; bumped on any incompatible change.
 * Version 2 added the `cancelled` status (and its summary count), `queued_at`
 * and `not_retried`, each entry's `worker_id` and `attempt_history`, the
 * graph fields (`skip`, `run_if`, `pool`, `map`, `items`, `map_item`, `heap`,
 * each absent when it does not apply), and the fields of incremental runs
 * (`run_id`, `result_encoding`, `result_v8`, `fingerprint`, `reused`,
 * `ran_because`, `cache_key`); version-1 documents are still read.
 */
export const REPORT_SCHEMA_VERSION: ReportDocument['schema_version'] = 2;
/** The versions `fromJSON` reads. */
const READABLE_VERSIONS = [1, 2] as const;

export function reportToJson(report: ExecutionReport): ReportDocument {
  const entries: Record<string, EntryDocument> = {};
  for (const [name, entry] of report.entries) setOwn(entries, name, entryToJson(entry, report.redaction));
  const elapsed = report.elapsedMs;
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    process_name: report.processName,
    run_id: report.runId ?? null,
    started_at: report.startedAt?.toISOString() ?? null,
    finished_at: report.finishedAt?.toISOString() ?? null,
    elapsed_seconds: elapsed === undefined ? null : elapsed / 1000,
    summary: {
      success: report.successes.size,
      errored: report.errored.size,
      skipped: report.skipped.size,
      cancelled: report.cancelled.size,
      pending: report.pending.size,
    },
    order: [...report.entries.keys()],
    entries,
  };
}

function entryToJson(entry: TaskReportEntry, redaction: Redaction): EntryDocument {
  const succeeded = entry.status === TaskStatus.SUCCESS;
  const carried = succeeded ? encodeResult(entry) : undefined;
  const doc: EntryDocument = {
    name: entry.name,
    function: entry.function,
    args: toJsonSafe(entry.args, redaction) as JsonValue[],
    kwargs: toJsonSafe(entry.kwargs, redaction) as Record<string, JsonValue>,
    status: entry.status,
    elapsed_seconds: entry.elapsedMs / 1000,
    elapsed_ms: entry.elapsedMs,
    attempts: entry.attempts,
    result: entry.status === TaskStatus.SUCCESS ? toJsonSafe(entry.result) : null,
    error:
      (entry.status === TaskStatus.ERRORED || entry.status === TaskStatus.CANCELLED) && entry.error
        ? errorToJson(entry.error, redaction)
        : null,
    queued_at: entry.queuedAt?.toISOString() ?? null,
    started_at: entry.startedAt?.toISOString() ?? null,
    finished_at: entry.finishedAt?.toISOString() ?? null,
    skipped_because: entry.skippedBecause ?? null,
    not_retried: entry.notRetried ? { reason: entry.notRetried.reason, message: entry.notRetried.message } : null,
    thread_id: entry.threadId ?? null,
    worker_id: entry.workerId ?? null,
    attempt_history: (entry.attemptHistory ?? []).map((record) => ({
      attempt: record.attempt,
      worker_id: record.workerId,
      started_at: record.startedAt.toISOString(),
      finished_at: record.finishedAt.toISOString(),
      ok: record.ok,
      error_name: record.errorName ?? null,
      ended_by: record.endedBy ?? null,
    })),
    log_write_error: entry.logWriteError
      ? {
          path: entry.logWriteError.path,
          code: entry.logWriteError.code,
          message: entry.logWriteError.message,
          lost_lines: entry.logWriteError.lostLines,
        }
      : null,
    result_encoding: carried?.encoding ?? null,
    result_v8: carried?.v8 ?? null,
    fingerprint: entry.fingerprint ? { ...entry.fingerprint } : null,
    reused: entry.reused ? { source: entry.reused.source, from_run: entry.reused.fromRun } : null,
    ran_because: entry.ranBecause ?? null,
    cache_key: entry.cacheKey ?? null,
  };
  // The graph fields (version 2): written only where they apply, so a static graph's document is unchanged.
  if (entry.skip) doc.skip = { rule: entry.skip.rule, upstream: [...entry.skip.upstream] };
  if (entry.runIf) doc.run_if = entry.runIf;
  if (entry.pool) doc.pool = { name: entry.pool.name, slots: entry.pool.slots };
  if (entry.map) {
    doc.map = {
      source: entry.map.source,
      items: entry.map.items,
      failed: entry.map.failed,
      failed_indices: [...entry.map.failedIndices],
      ...(entry.map.batchSize === undefined ? {} : { batch_size: entry.map.batchSize }),
    };
  }
  if (entry.items) doc.items = entry.items.map((item) => entryToJson(item, redaction));
  if (entry.mapItem) {
    doc.map_item = {
      parent: entry.mapItem.parent,
      index: entry.mapItem.index,
      ...(entry.mapItem.count === undefined ? {} : { count: entry.mapItem.count }),
    };
  }
  if (entry.heap) {
    doc.heap = entry.heap.map((h) => ({ attempt: h.attempt, limit_mb: h.limitMb, peak_used_mb: h.peakUsedMb }));
  }
  return doc;
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
    thrown: thrownToJson(error.thrown, redaction),
  };
}

function thrownToJson(thrown: SerializedError, redaction: Redaction): ThrownDocument {
  return {
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack ?? null,
    code: thrown.code ?? null,
    class_chain: [...thrown.classChain],
    cause: thrown.cause ? thrownToJson(thrown.cause, redaction) : null,
    errors: thrown.errors ? thrown.errors.map((inner) => thrownToJson(inner, redaction)) : null,
    // An error's own properties carry what HTTP clients attach (`config.headers.authorization`): redacted by key, at any depth.
    props: thrown.props ? (toJsonSafe(thrown.props, redaction) as Record<string, JsonValue>) : null,
    non_error: thrown.nonError === true,
  };
}

// ---- reading ---------------------------------------------------------------

/**
 * How deep a document may nest. What `toJSON()` writes stays far below it
 * (values are cut at 64 levels, causes at 8); the bound keeps the schema
 * check, which recurses, from overflowing the stack on hostile input.
 */
export const MAX_REPORT_DOCUMENT_DEPTH = 256;

// Values are checked without rebuilding them: zod's records assign keys one
// by one, and an own "__proto__" key (a task name, a kwarg) would become the
// prototype instead of a property. After the JSON normalisation in
// reportFromJson every value is plain JSON, so these checks are shallow.
const json = z.custom<JsonValue>((value) => value !== undefined, { message: 'expected a JSON value' });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const jsonObject = z.custom<Record<string, JsonValue>>(isObject, { message: 'expected an object' });
const stringRecord = z.custom<Record<string, string>>(
  (value) => isObject(value) && Object.values(value).every((v) => typeof v === 'string'),
  { message: 'expected an object of strings' },
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
    props: jsonObject.nullable(),
    non_error: z.boolean(),
  }),
);

const errorSchema = z.object({
  task_name: z.string(),
  function: z.string(),
  args: z.array(json),
  kwargs: jsonObject,
  downstream_impact: z.array(z.string()),
  exception: z.string(),
  error_name: z.string(),
  traceback_str: z.string(),
  traced_vars: stringRecord,
  traced_vars_location: z.string(),
  thrown: thrownSchema,
});

const count = z.number().int().nonnegative();

const entryShape = {
  name: z.string(),
  function: z.string(),
  args: z.array(json),
  kwargs: jsonObject,
  status: z.enum([
    TaskStatus.PENDING,
    TaskStatus.SUCCESS,
    TaskStatus.ERRORED,
    TaskStatus.SKIPPED,
    TaskStatus.CANCELLED,
  ]),
  elapsed_seconds: z.number(),
  elapsed_ms: z.number().optional(),
  attempts: z.number().int().nonnegative(),
  result: json,
  error: errorSchema.nullable(),
  queued_at: isoDate.optional(),
  started_at: isoDate.optional(),
  finished_at: isoDate.optional(),
  skipped_because: z.string().nullable().optional(),
  not_retried: z
    .object({ reason: z.enum(['retry-on-no-match', 'retry-on-rejected', 'retry-on-threw']), message: z.string() })
    .nullable()
    .optional(),
  thread_id: z.number().int().nullable().optional(),
  worker_id: z.string().nullable().optional(),
  attempt_history: z
    .array(
      z.object({
        attempt: z.number().int().positive(),
        worker_id: z.string(),
        started_at: z.iso.datetime({ offset: true }),
        finished_at: z.iso.datetime({ offset: true }),
        ok: z.boolean(),
        error_name: z.string().nullable(),
        ended_by: z.string().nullable(),
      }),
    )
    .optional(),
  log_write_error: z
    .object({ path: z.string(), code: z.string(), message: z.string(), lost_lines: z.number().int().nonnegative() })
    .nullable()
    .optional(),
  skip: z.object({ rule: z.enum(TRIGGER_RULES), upstream: z.array(z.string()) }).optional(),
  run_if: z.enum(TRIGGER_RULES).optional(),
  pool: z.object({ name: z.string(), slots: count }).optional(),
  map: z
    .object({
      source: z.string(),
      items: count,
      failed: count,
      failed_indices: z.array(count),
      batch_size: count.optional(),
    })
    .optional(),
  map_item: z.object({ parent: z.string(), index: count, count: count.optional() }).optional(),
  heap: z
    .array(z.object({ attempt: count, limit_mb: z.number().nullable(), peak_used_mb: z.number().nullable() }))
    .optional(),
  // Version 2 (absent in version 1 documents).
  result_encoding: z.enum(['json', 'v8', 'lossy']).nullable().optional(),
  result_v8: z.string().nullable().optional(),
  fingerprint: z
    .object({
      code: z.string().nullable(),
      args: z.string().nullable(),
      kwargs: z.string().nullable(),
      dependencies: z.string(),
    })
    .nullable()
    .optional(),
  reused: z
    .object({ source: z.enum(['resume', 'cache']), from_run: z.string().nullable() })
    .nullable()
    .optional(),
  ran_because: z
    .enum([
      'not-in-report',
      'failed-before',
      'no-fingerprint',
      'code-changed',
      'args-changed',
      'kwargs-changed',
      'dependencies-changed',
      'unhashable-input',
      'upstream-ran',
      'cache-miss',
      'cache-expired',
      'cache-corrupt',
    ] satisfies readonly RunReason[])
    .nullable()
    .optional(),
  cache_key: z.string().nullable().optional(),
};

type EntryInput = z.infer<z.ZodObject<typeof entryShape>> & { items?: EntryInput[] | undefined };

// Item entries of a mapped task are entries too, one level down.
const entrySchema: z.ZodType<EntryInput> = z.lazy(() =>
  z.object({ ...entryShape, items: z.array(entrySchema).optional() }),
) as z.ZodType<EntryInput>;

const documentSchema = z.object({
  schema_version: z.literal(READABLE_VERSIONS),
  process_name: z.string(),
  run_id: z.string().nullable().optional(),
  started_at: isoDate.optional(),
  finished_at: isoDate.optional(),
  order: z.array(z.string()).optional(),
  // Checked entry by entry in reportFromJson, so every task name stays an own key.
  entries: jsonObject,
});

/**
 * Reads a report document. Whatever the input (a string, an object, hostile
 * or broken data), the outcome is a report or a {@link ReportFormatError}.
 */
export function reportFromJson(input: unknown): ReportInit {
  try {
    return readDocument(plainJson(input));
  } catch (error) {
    if (error instanceof ReportFormatError) throw error;
    // The last line of defence: nothing else may escape (a getter or Proxy trap that throws, an engine limit).
    throw new ReportFormatError('', `the document could not be read (${describeThrown(error)})`, { cause: error });
  }
}

/**
 * The input as plain JSON data: a string is parsed; an object is written
 * and parsed back, so getters, class instances and cycles are dealt with
 * once, here, the way `JSON.stringify` deals with them. Either way the
 * depth is checked first where it could overflow the stack (JSON.stringify
 * and the schema check recurse; JSON.parse does not).
 */
function plainJson(input: unknown): unknown {
  if (typeof input === 'string') {
    let value: unknown;
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ReportFormatError('', `the string is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    checkDepth(value);
    return value;
  }
  checkDepth(input);
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new ReportFormatError('', `the object cannot be written as JSON (${describeThrown(error)})`, {
      cause: error,
    });
  }
  return text === undefined ? undefined : JSON.parse(text);
}

function checkDepth(value: unknown): void {
  const tooDeep = pathDeeperThan(value, MAX_REPORT_DOCUMENT_DEPTH);
  if (tooDeep !== undefined) {
    throw new ReportFormatError(tooDeep, `the document nests deeper than ${MAX_REPORT_DOCUMENT_DEPTH} levels`);
  }
}

function readDocument(value: unknown): ReportInit {
  const version = (value as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && version > REPORT_SCHEMA_VERSION) {
    throw new ReportFormatError(
      'schema_version',
      `version ${version} was written by a newer release; this one reads version ${REPORT_SCHEMA_VERSION}`,
    );
  }
  const doc = parseWith(documentSchema, value, []);
  const entries: Record<string, EntryInput> = {};
  // Task names are case-insensitive: two entries one name apart only in case are one task told twice.
  const names = new Set<string>();
  for (const [name, entry] of Object.entries(doc.entries)) {
    const parsed = parseWith(entrySchema, entry, ['entries', name]);
    if (parsed.name !== name) {
      throw new ReportFormatError(`entries.${name}.name`, `expected the entry's key, "${name}", got "${parsed.name}"`);
    }
    const folded = name.toLowerCase();
    if (names.has(folded)) throw new ReportFormatError(`entries.${name}`, 'a second entry for the same task');
    names.add(folded);
    setOwn(entries, name, parsed);
  }
  return {
    processName: doc.process_name,
    ...(typeof doc.run_id === 'string' ? { runId: doc.run_id } : {}),
    entries: orderedEntries(doc.order, entries).map(entryFromJson),
    ...dates(doc.started_at, doc.finished_at),
  };
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, at: readonly PropertyKey[]): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ReportFormatError(
    [...at, ...(issue?.path ?? [])].map(String).join('.'),
    issue?.message ?? 'invalid document',
  );
}

/**
 * The path (dotted) to the first place `value` nests deeper than `limit`,
 * found without recursion. An object met twice is walked once, so shared
 * references and cycles cost linear time (JSON.stringify rejects cycles).
 */
function pathDeeperThan(value: unknown, limit: number): string | undefined {
  interface Node {
    readonly value: unknown;
    readonly depth: number;
    readonly key: string;
    readonly parent: Node | undefined;
  }
  const stack: Node[] = [{ value, depth: 0, key: '', parent: undefined }];
  const seen = new Set<object>();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node.value !== 'object' || node.value === null || seen.has(node.value)) continue;
    seen.add(node.value);
    if (node.depth >= limit) {
      const keys: string[] = [];
      for (let at: Node | undefined = node; at?.parent; at = at.parent) keys.unshift(at.key);
      return keys.length > 8 ? `${keys.slice(0, 8).join('.')}...` : keys.join('.');
    }
    for (const [key, child] of Object.entries(node.value)) {
      stack.push({ value: child, depth: node.depth + 1, key, parent: node });
    }
  }
  return undefined;
}

/** The entries in the document's `order` when it has one (the Python library's documents have none), else in key order. */
function orderedEntries(order: readonly string[] | undefined, entries: Record<string, EntryInput>): EntryInput[] {
  const byName = new Map(Object.entries(entries));
  const ordered = (order ?? []).flatMap((name) => {
    const entry = byName.get(name);
    byName.delete(name);
    return entry ? [entry] : [];
  });
  return [...ordered, ...byName.values()];
}

function entryFromJson(doc: EntryInput): TaskReportEntry {
  const succeeded = doc.status === TaskStatus.SUCCESS;
  const entry: TaskReportEntry = Object.freeze({
    name: doc.name,
    function: doc.function,
    args: doc.args,
    kwargs: doc.kwargs,
    status: doc.status,
    elapsedMs: doc.elapsed_ms ?? doc.elapsed_seconds * 1000,
    attempts: doc.attempts,
    ...(succeeded ? { result: resultFromJson(doc) } : {}),
    ...(doc.error ? { error: errorFromJson(doc.error) } : {}),
    ...(doc.queued_at ? { queuedAt: new Date(doc.queued_at) } : {}),
    ...dates(doc.started_at, doc.finished_at),
    ...(typeof doc.skipped_because === 'string' ? { skippedBecause: doc.skipped_because } : {}),
    ...(doc.not_retried ? { notRetried: { reason: doc.not_retried.reason, message: doc.not_retried.message } } : {}),
    ...(typeof doc.thread_id === 'number' ? { threadId: doc.thread_id } : {}),
    ...(typeof doc.worker_id === 'string' ? { workerId: doc.worker_id } : {}),
    ...(doc.attempt_history && doc.attempt_history.length > 0
      ? {
          attemptHistory: doc.attempt_history.map((record) => ({
            attempt: record.attempt,
            workerId: record.worker_id,
            startedAt: new Date(record.started_at),
            finishedAt: new Date(record.finished_at),
            ok: record.ok,
            ...(record.error_name === null ? {} : { errorName: record.error_name }),
            ...(record.ended_by === null ? {} : { endedBy: record.ended_by }),
          })),
        }
      : {}),
    ...(doc.log_write_error
      ? {
          logWriteError: {
            path: doc.log_write_error.path,
            code: doc.log_write_error.code,
            message: doc.log_write_error.message,
            lostLines: doc.log_write_error.lost_lines,
          },
        }
      : {}),
    ...(doc.skip ? { skip: { rule: doc.skip.rule, upstream: doc.skip.upstream } } : {}),
    ...(doc.run_if ? { runIf: doc.run_if } : {}),
    ...(doc.pool ? { pool: { name: doc.pool.name, slots: doc.pool.slots } } : {}),
    ...(doc.map
      ? {
          map: {
            source: doc.map.source,
            items: doc.map.items,
            failed: doc.map.failed,
            failedIndices: doc.map.failed_indices,
            ...(doc.map.batch_size === undefined ? {} : { batchSize: doc.map.batch_size }),
          },
        }
      : {}),
    ...(doc.items ? { items: doc.items.map(entryFromJson) } : {}),
    ...(doc.map_item
      ? {
          mapItem: {
            parent: doc.map_item.parent,
            index: doc.map_item.index,
            ...(doc.map_item.count === undefined ? {} : { count: doc.map_item.count }),
          },
        }
      : {}),
    ...(doc.heap
      ? { heap: doc.heap.map((h) => ({ attempt: h.attempt, limitMb: h.limit_mb, peakUsedMb: h.peak_used_mb })) }
      : {}),
    ...(doc.fingerprint ? { fingerprint: Object.freeze({ ...doc.fingerprint }) } : {}),
    ...(doc.reused ? { reused: Object.freeze({ source: doc.reused.source, fromRun: doc.reused.from_run }) } : {}),
    ...(doc.ran_because ? { ranBecause: doc.ran_because } : {}),
    ...(typeof doc.cache_key === 'string' ? { cacheKey: doc.cache_key } : {}),
  });
  // A version 1 document never says its result was exact, so only a v2 `json` or `v8` one is.
  if (succeeded && doc.result_encoding !== 'json' && doc.result_encoding !== 'v8') markLossyResult(entry);
  return entry;
}

function resultFromJson(doc: EntryInput): unknown {
  if (doc.result_encoding !== 'v8') return doc.result;
  if (typeof doc.result_v8 !== 'string') {
    throw new ReportFormatError(`entries.${doc.name}.result_v8`, 'expected the v8 serialisation of the result');
  }
  try {
    return decodeV8Result(doc.result_v8);
  } catch (error) {
    throw new ReportFormatError(
      `entries.${doc.name}.result_v8`,
      `the v8 serialisation could not be read (${describeThrown(error)})`,
      { cause: error },
    );
  }
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
