import { InvalidOptionError } from '../errors/errors.js';
import { parseOptions } from '../options/parse.js';
import {
  TASK_DEPENDENCY_DEFAULTS,
  type TaskDependencyOptions,
  taskDependencyOptionsSchema,
} from '../options/task-dependency-options.js';

const NAME_EXPECTED = 'a non-empty string without whitespace';

/**
 * Whether `name` is a valid task name as given (before lower-casing): what
 * `/^\S+$/` accepts, scanned by hand because building a large graph checks
 * one name per task and per dependency (a property test holds the two equal).
 */
export function isTaskName(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i);
    // Printable ASCII, nearly every name: never whitespace.
    if (code > 0x20 && code < 0x7f) continue;
    if (isWhitespace(code)) return false;
  }
  return true;
}

/** The UTF-16 code units a regular expression's `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Lower-cases a task name after checking it; names are case-insensitive everywhere. */
export function normaliseTaskName(where: string, field: string, name: unknown, taskName?: string): string {
  if (typeof name !== 'string' || !isTaskName(name)) {
    throw new InvalidOptionError(where, field, NAME_EXPECTED, name, taskName);
  }
  return lowerCased(name);
}

/**
 * `name.toLowerCase()`, without the copy `toLowerCase` makes of a name that
 * is lower-case already (nearly all are; a graph keeps one per task and edge).
 */
export function lowerCased(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if ((code >= 0x41 && code <= 0x5a) || code > 0x7f) return name.toLowerCase();
  }
  return name;
}

/**
 * "This task needs that one first", and optionally "pass me its result".
 * A dependency without injection flags only orders execution.
 */
export class TaskDependency {
  /** The task depended on, lower-cased. */
  readonly taskName: string;
  readonly useResultAsAdditionalArgs: boolean;
  readonly useResultAsAdditionalKwargs: boolean;
  /** Empty unless `useResultAsAdditionalKwargs` is set. */
  readonly additionalKwargName: string;

  constructor(taskName: string, options?: TaskDependencyOptions) {
    if (taskName === PLAIN && typeof options === 'string') {
      // plainDependency(): a name already checked and lower-cased, every option at its default.
      const d = TASK_DEPENDENCY_DEFAULTS;
      this.taskName = options;
      this.useResultAsAdditionalArgs = d.useResultAsAdditionalArgs;
      this.useResultAsAdditionalKwargs = d.useResultAsAdditionalKwargs;
      this.additionalKwargName = d.additionalKwargName;
      Object.freeze(this);
      return;
    }
    const where = typeof taskName === 'string' ? `TaskDependency "${taskName}"` : 'TaskDependency';
    this.taskName = normaliseTaskName(where, 'taskName', taskName);
    const checked = parseOptions({ where }, taskDependencyOptionsSchema, options);
    const d = TASK_DEPENDENCY_DEFAULTS;
    this.useResultAsAdditionalArgs = checked.useResultAsAdditionalArgs ?? d.useResultAsAdditionalArgs;
    this.useResultAsAdditionalKwargs = checked.useResultAsAdditionalKwargs ?? d.useResultAsAdditionalKwargs;
    this.additionalKwargName = checked.additionalKwargName ?? d.additionalKwargName;
    if (this.useResultAsAdditionalKwargs && this.additionalKwargName === '') {
      throw new InvalidOptionError(
        where,
        'additionalKwargName',
        'a non-empty string when `useResultAsAdditionalKwargs` is true',
        checked.additionalKwargName,
      );
    }
    if (!this.useResultAsAdditionalKwargs && this.additionalKwargName !== '') {
      throw new InvalidOptionError(
        where,
        'useResultAsAdditionalKwargs',
        '`true` when `additionalKwargName` is given (the name is only used to inject the result)',
        checked.useResultAsAdditionalKwargs,
      );
    }
    Object.freeze(this);
  }
}

/** A key no caller can pass as a task name (it is not a string a user has). */
const PLAIN = Symbol('plain dependency') as unknown as string;

/**
 * The dependency a task name given as shorthand stands for, without parsing
 * options there are none of (building a large graph makes one per edge).
 * `name` must already be normalised.
 */
export function plainDependency(name: string): TaskDependency {
  return new TaskDependency(PLAIN, name as TaskDependencyOptions);
}
