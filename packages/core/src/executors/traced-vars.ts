/**
 * Traced variables: the locals of the frame that threw, read with
 * node:inspector from a session on the thread's own isolate. A same-thread
 * session gets `Debugger.paused` synchronously at the throw, and
 * `Runtime.getProperties` / `Debugger.evaluateOnCallFrame` answer inside the
 * handler, so the values are read before anything else runs.
 *
 * Two ways to pause:
 * - `'uncaught'` (worker threads): the worker calls a capturing task so that an
 *   exception escaping it looks uncaught to V8's catch prediction; exceptions
 *   the task catches itself never pause, so they cost next to nothing.
 * - `'all'` (the main thread, opt-in per task): the main thread's rejection
 *   handling is the application's, so every exception pauses while a capturing
 *   task runs; pauses outside such a task resume at once.
 * Either way a snapshot is filed under the exception object itself, so the
 * values reported belong to the error that ended the attempt.
 */
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { REDACTED, type Redaction } from '../logging/redaction.js';
import { renderValue } from '../logging/render-value.js';
import { currentTaskContext, type TaskContext } from '../run/context.js';

/** Locals of one frame, rendered, and where that frame was. */
export interface TracedVarsSnapshot {
  readonly vars: Readonly<Record<string, string>>;
  /** `file:line` (a path for file: URLs). */
  readonly location: string;
}

export interface CaptureSettings {
  /** Take the innermost frame whose URL contains this; null: the innermost frame of user code. */
  readonly frameFilter: string | null;
  readonly redaction: Redaction;
}

/** What the recorder keeps for a context it watches (opaque to the rest of the engine). */
export interface CaptureState {
  /** A function of the context when the settings are only worked out if an exception pauses (most attempts never throw). */
  readonly settings: CaptureSettings | ((context: TaskContext) => CaptureSettings);
  /** For a thrown primitive (it cannot key a WeakMap): the last one seen and its snapshot. */
  primitive: { readonly value: unknown; readonly snapshot: TracedVarsSnapshot } | undefined;
}

/**
 * Where the recorder keeps the state of each context it watches: a Map by
 * default; a worker keeps it in its own context objects, which saves a table
 * insert and delete per attempt.
 */
export interface CaptureSlots {
  get(context: TaskContext): CaptureState | undefined;
  set(context: TaskContext, state: CaptureState): void;
  delete(context: TaskContext): void;
}

// Minimal shapes of the DevTools protocol messages used here.
interface RemoteObject {
  readonly type: string;
  readonly objectId?: string;
  readonly value?: unknown;
  readonly unserializableValue?: string;
}
interface CallFrame {
  readonly callFrameId: string;
  /** Often empty for ES modules: the script's URL comes from `Debugger.scriptParsed`. */
  readonly url: string;
  readonly location: { readonly scriptId: string; readonly lineNumber: number };
  readonly scopeChain: readonly { readonly type: string; readonly object: RemoteObject }[];
}
interface PausedParams {
  readonly reason: string;
  readonly data?: RemoteObject;
  readonly callFrames: readonly CallFrame[];
}

const RENDER_KEY = Symbol.for('processes.renderTracedLocals');
const TAG_KEY = Symbol.for('processes.pausedException');
const MAX_VARS = 50;
/** This library's own files: never "user code". */
const LIBRARY_DIR = new URL('../', import.meta.url).href;
const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** True for a frame of the user's code: not Node's internals, not a dependency, not this library. */
function isUserFrame(url: string): boolean {
  return url !== '' && !url.startsWith('node:') && !url.includes('/node_modules/') && !url.startsWith(LIBRARY_DIR);
}

/** The frame the Python library would pick: innermost user frame (or innermost matching the filter), else the innermost. */
export function chooseFrame<T extends { readonly url: string }>(
  frames: readonly T[],
  filter: string | null,
): T | undefined {
  const wanted = frames.find((frame) => (filter === null ? isUserFrame(frame.url) : frame.url.includes(filter)));
  return wanted ?? frames[0];
}

function locationOf(frame: CallFrame): string {
  let file = frame.url;
  if (file.startsWith('file:')) {
    try {
      file = fileURLToPath(file);
    } catch {
      // keep the URL as it is
    }
  }
  return `${file}:${frame.location.lineNumber + 1}`;
}

export class TracedVarsRecorder {
  readonly #pauseOn: 'uncaught' | 'all';
  readonly #onOutOfMemory: (() => void) | undefined;
  readonly #session = new Session();
  /**
   * Contexts of attempts that capture, until `end(context)`: a Map unless
   * the caller keeps them itself. Never a WeakMap: weak tables cost every
   * garbage collection, and short attempts make thousands of contexts a second.
   */
  readonly #active: CaptureSlots;
  readonly #byException = new WeakMap<object, TracedVarsSnapshot>();
  /** Script URLs by id, from `Debugger.scriptParsed` (sent for every script loaded, before and after enabling). */
  readonly #scriptUrls = new Map<string, string>();
  #redaction: Redaction | undefined;
  #users = 0;

  /**
   * @param onOutOfMemory Called when the isolate nears its heap limit. With a
   *   debugger attached, V8 raises the limit and pauses (reason `OOM`) instead
   *   of letting the embedder stop the thread, so a worker must stop itself
   *   here or the whole process runs out of memory.
   * @param slots Where the state of watched contexts is kept (a Map by default).
   */
  constructor(pauseOn: 'uncaught' | 'all', onOutOfMemory?: () => void, slots?: CaptureSlots) {
    this.#pauseOn = pauseOn;
    this.#onOutOfMemory = onOutOfMemory;
    this.#active = slots ?? new Map<TaskContext, CaptureState>();
    // The renderer runs inside the paused frame (evaluateOnCallFrame), on the real values.
    (globalThis as Record<symbol, unknown>)[RENDER_KEY] = (locals: Record<string, unknown>) =>
      this.#renderLocals(locals);
  }

  /** Starts pausing on exceptions (reference-counted: each `enable` needs a `disable`). */
  enable(): void {
    if (this.#users++ > 0) return;
    this.#session.connect();
    this.#session.on('Debugger.paused', (message) => this.#onPaused(message.params as unknown as PausedParams));
    this.#session.on('Debugger.scriptParsed', (message) => {
      const { scriptId, url } = message.params as { scriptId: string; url: string };
      if (url) this.#scriptUrls.set(scriptId, url);
    });
    this.#session.post('Debugger.enable');
    this.#session.post('Debugger.setPauseOnExceptions', { state: this.#pauseOn });
  }

  disable(): void {
    if (--this.#users > 0) return;
    this.#session.post('Debugger.disable');
    this.#session.disconnect();
    this.#session.removeAllListeners('Debugger.paused');
    this.#session.removeAllListeners('Debugger.scriptParsed');
    this.#scriptUrls.clear();
  }

  /**
   * Records exceptions thrown under `context` (an attempt's own context
   * object) from now on, until `end(context)` (which every watch needs).
   */
  watch(context: TaskContext, settings: CaptureSettings | ((context: TaskContext) => CaptureSettings)): void {
    this.#active.set(context, { settings, primitive: undefined });
  }

  end(context: TaskContext): void {
    this.#active.delete(context);
  }

  /** The snapshot taken when `thrown` was thrown under `context`, if one was. */
  snapshotFor(context: TaskContext, thrown: unknown): TracedVarsSnapshot | undefined {
    if (typeof thrown === 'object' && thrown !== null) return this.#byException.get(thrown);
    const primitive = this.#active.get(context)?.primitive;
    return primitive && Object.is(primitive.value, thrown) ? primitive.snapshot : undefined;
  }

  #onPaused(params: PausedParams): void {
    try {
      if (params.reason === 'OOM') {
        this.#onOutOfMemory?.();
        return;
      }
      if (params.reason !== 'exception' && params.reason !== 'promiseRejection') return;
      const context = currentTaskContext();
      const state = context && this.#active.get(context);
      if (!context || !state) return;
      const settings = typeof state.settings === 'function' ? state.settings(context) : state.settings;
      const snapshot = this.#snapshot(params.callFrames, settings);
      if (!snapshot) return;
      const data = params.data;
      if (data?.type === 'object' && data.objectId) {
        const thrown = this.#realObject(data.objectId);
        if (thrown && !this.#byException.has(thrown)) this.#byException.set(thrown, snapshot);
      } else {
        state.primitive = { value: primitiveValue(data), snapshot };
      }
    } catch {
      // Capture is best effort: it must never change what the task does.
    } finally {
      this.#session.post('Debugger.resume');
    }
  }

  #snapshot(callFrames: readonly CallFrame[], settings: CaptureSettings): TracedVarsSnapshot | undefined {
    const frames = callFrames.map((frame) => ({
      ...frame,
      url: frame.url || this.#scriptUrls.get(frame.location.scriptId) || '',
    }));
    const frame = chooseFrame(frames, settings.frameFilter);
    if (!frame) return undefined;
    const names: string[] = [];
    // The function's own scopes: the chain runs innermost first, so the block scopes
    // before its 'local' scope are blocks inside the function; later ones enclose it.
    const localAt = frame.scopeChain.findIndex((scope) => scope.type === 'local');
    const own = localAt < 0 ? [] : frame.scopeChain.slice(0, localAt + 1);
    const scopes = [own[own.length - 1], ...own.slice(0, -1).filter((scope) => scope.type === 'block')].filter(
      (scope): scope is NonNullable<typeof scope> => scope !== undefined,
    );
    for (const scope of scopes) {
      for (const name of this.#propertyNames(scope.object.objectId)) {
        if (names.length < MAX_VARS && IDENTIFIER.test(name) && !names.includes(name)) names.push(name);
      }
    }
    this.#redaction = settings.redaction;
    const reads = names
      .map((name) => `try { o[${JSON.stringify(name)}] = ${name}; } catch { o[${JSON.stringify(name)}] = u; }`)
      .join(' ');
    const expression = `(() => { const u = Symbol.for('processes.uninitialized'); const o = {}; ${reads} return globalThis[Symbol.for('processes.renderTracedLocals')](o); })()`;
    let vars: Record<string, string> = {};
    this.#session.post(
      'Debugger.evaluateOnCallFrame',
      { callFrameId: frame.callFrameId, expression, returnByValue: true, silent: true },
      (error, result) => {
        const value = (result as { result?: { value?: unknown } } | undefined)?.result?.value;
        if (!error && value && typeof value === 'object') vars = value as Record<string, string>;
      },
    );
    return { vars, location: locationOf(frame) };
  }

  #propertyNames(objectId: string | undefined): string[] {
    if (!objectId) return [];
    let names: string[] = [];
    this.#session.post('Runtime.getProperties', { objectId, ownProperties: true }, (error, result) => {
      if (!error) names = (result as { result: { name: string }[] }).result.map((property) => property.name);
    });
    return names;
  }

  /** The actual exception object behind a remote id, fetched through a global for the moment of the call. */
  #realObject(objectId: string): object | undefined {
    const globals = globalThis as Record<symbol, unknown>;
    this.#session.post('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration: `function () { globalThis[Symbol.for('processes.pausedException')] = this; }`,
      silent: true,
    });
    const thrown = globals[TAG_KEY];
    delete globals[TAG_KEY];
    return typeof thrown === 'object' && thrown !== null ? thrown : undefined;
  }

  #renderLocals(locals: Record<string, unknown>): Record<string, string> {
    const redaction = this.#redaction;
    const uninitialized = Symbol.for('processes.uninitialized');
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(locals)) {
      if (redaction?.matches(name)) out[name] = REDACTED;
      else if (value === uninitialized) out[name] = '<uninitialized>';
      else out[name] = renderValue(value, redaction ? { redaction } : {});
    }
    return out;
  }
}

function primitiveValue(data: RemoteObject | undefined): unknown {
  if (!data) return undefined;
  if (data.type === 'undefined') return undefined;
  if (data.unserializableValue !== undefined) {
    const text = data.unserializableValue;
    if (data.type === 'bigint') return BigInt(text.slice(0, -1));
    return Number(text);
  }
  return data.value;
}
