import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Process, ReportChannel } from 'processes-core';
import { InvalidPipelineError, PipelineLoadError, PipelineNotFoundError } from './errors.js';
import { describeValue } from './format.js';
import { formatLocation, locateSyntaxError, syntaxErrorLocation } from './syntax-location.js';
import { isTypedError } from './typed-error.js';

/** Extensions imported through tsx; anything else is imported by Node itself. */
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
/** Where a pipeline file may put its Process, in the order they are looked up. */
export const PIPELINE_EXPORTS: readonly string[] = ['default', 'process', 'pipeline'];

/** A pipeline file, imported, with its Process built. */
export interface LoadedPipeline {
  /** Absolute path of the file. */
  readonly path: string;
  /** The path as shown to the user: relative to the working directory when inside it. */
  readonly displayPath: string;
  /** The export the Process came from. */
  readonly exportName: string;
  readonly process: Process;
  /** Whether the file exports `channels`. */
  readonly hasChannels: boolean;
  /** The exported channels; a `channels` function is called here, once. */
  channels(): Promise<ReportChannel[]>;
}

/**
 * Imports a pipeline file and returns its Process: the default export, or
 * `process`, or `pipeline`, each either a Process or a function (sync or
 * async) returning one. `channels`, when exported, is an array of report
 * channels or a function returning one (called only when needed, so a
 * channel that reads secrets from the environment does not get in the way
 * of `validate` or `graph`).
 *
 * Throws the library's own typed error when building the Process does
 * (a cycle, a missing dependency, a bad option), and otherwise
 * {@link PipelineNotFoundError}, {@link PipelineLoadError} or
 * {@link InvalidPipelineError}.
 */
export async function loadPipeline(given: string, cwd: string): Promise<LoadedPipeline> {
  const path = resolve(cwd, given);
  const rel = relative(cwd, path);
  const displayPath = rel && !rel.startsWith('..') ? rel : path;
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new PipelineNotFoundError(path, given, 'missing');
  if (!info.isFile()) throw new PipelineNotFoundError(path, given, 'not-a-file');

  const namespace = await importModule(path, displayPath);
  const exportName = PIPELINE_EXPORTS.find((name) => namespace[name] !== undefined);
  if (exportName === undefined) {
    const names = Object.keys(namespace);
    throw new InvalidPipelineError(
      displayPath,
      '',
      `expected the module to export a Process (or a function returning one) as its default export, or as \`process\` or \`pipeline\`; ${names.length ? `it exports ${names.map((n) => `\`${n}\``).join(', ')}` : 'it exports nothing'}.`,
    );
  }

  let value: unknown = namespace[exportName];
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      if (isTypedError(error)) throw error;
      throw new PipelineLoadError(displayPath, 'factory', error);
    }
  }
  if (!isProcessLike(value)) {
    throw new InvalidPipelineError(
      displayPath,
      exportName,
      `expected export \`${exportName}\` to be a Process, or a function returning one; got ${describeValue(value)}.`,
    );
  }

  const channelsExport = namespace['channels'];
  const process = value;
  let channels: Promise<ReportChannel[]> | undefined;
  return {
    path,
    displayPath,
    exportName,
    process,
    hasChannels: channelsExport !== undefined,
    channels() {
      channels ??= resolveChannels(displayPath, channelsExport);
      return channels;
    },
  };
}

async function importModule(path: string, displayPath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    if (TYPESCRIPT_EXTENSIONS.has(extname(path))) {
      // Loaded on demand: plain JavaScript pipelines do not pay for tsx.
      const { tsImport } = await import('tsx/esm/api');
      return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    // A Process built at the top level of the module threw: show that error as it is.
    if (isTypedError(error)) throw error;
    throw new PipelineLoadError(
      displayPath,
      'import',
      error,
      (await syntaxHint(path, error)) ?? (await commonJsHint(path)),
    );
  }
}

/**
 * Where a syntax error in a JavaScript pipeline (or a local module it
 * imports) is: `file:line:column` and the line with a caret, as tsx already
 * shows for TypeScript. Node 20 gives an ES module's SyntaxError no location.
 */
async function syntaxHint(path: string, error: unknown): Promise<string | undefined> {
  if ((error as { name?: unknown } | null)?.name !== 'SyntaxError' || TYPESCRIPT_EXTENSIONS.has(extname(path))) {
    return undefined;
  }
  const inStack = syntaxErrorLocation(error);
  if (inStack) return `Syntax error at ${inStack}`;
  const found = await locateSyntaxError(path);
  if (!found) return undefined;
  const excerpt = found.excerpt ? `\n${found.excerpt.replace(/^/gm, '    ')}` : '';
  return `Syntax error at ${formatLocation(found)}${excerpt}`;
}

/**
 * Why a TypeScript pipeline may have failed to load: Node's rules make a
 * `.ts` file CommonJS unless its package says `"type": "module"`, and
 * `processes` is an ES module, which does not load well into CommonJS.
 */
async function commonJsHint(path: string): Promise<string | undefined> {
  const extension = extname(path);
  if (extension === '.mts' || !TYPESCRIPT_EXTENSIONS.has(extension)) return undefined;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined) {
      let type: unknown;
      try {
        type = (JSON.parse(manifest) as { type?: unknown }).type;
      } catch {
        return undefined;
      }
      if (type === 'module' && extension !== '.cts') return undefined;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return `The file was loaded as CommonJS (${extension === '.cts' ? 'a .cts file' : 'its package.json does not say "type": "module"'}). Pipelines are ES modules: rename it to .mts, or add "type": "module" to its package.json.`;
}

async function resolveChannels(displayPath: string, exported: unknown): Promise<ReportChannel[]> {
  if (exported === undefined) return [];
  let value: unknown = exported;
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      if (isTypedError(error)) throw error;
      throw new PipelineLoadError(displayPath, 'channels', error);
    }
  }
  if (!Array.isArray(value)) {
    throw new InvalidPipelineError(
      displayPath,
      'channels',
      `expected export \`channels\` to be an array of report channels (or a function returning one); got ${describeValue(value)}.`,
    );
  }
  value.forEach((channel: unknown, i) => {
    if (typeof (channel as { send?: unknown } | null)?.send !== 'function') {
      throw new InvalidPipelineError(
        displayPath,
        'channels',
        `expected \`channels[${i}]\` to be a report channel (an object with a \`send(report, options)\` method); got ${describeValue(channel)}.`,
      );
    }
  });
  return value as ReportChannel[];
}

/**
 * Whether `value` is a Process, by shape: the pipeline may have its own copy
 * of `processes` (see `isTypedError`), so `instanceof` would be wrong.
 */
function isProcessLike(value: unknown): value is Process {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['run'] === 'function' &&
    typeof candidate['close'] === 'function' &&
    typeof candidate['name'] === 'string' &&
    Array.isArray(candidate['tasks'])
  );
}
