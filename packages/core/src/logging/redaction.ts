/**
 * Names whose values never leave the process: traced variables with these
 * names, and keys with these names inside args and kwargs, are written as
 * `[redacted]` in report JSON, log files, email and webhook payloads.
 */
export const DEFAULT_REDACTED_NAMES: RegExp =
  /pass(word|wd)?|pwd|secret|token|api[-_]?key|authori[sz]ation|cookie|session|private[-_]?key|credential|bearer/i;

export const REDACTED = '[redacted]';

/** Names to redact besides the defaults: names (matched as case-insensitive substrings) or a RegExp. */
export type RedactOption = readonly string[] | RegExp;

/** A redaction rule as it crosses to a worker thread (RegExps do not survive structured clone intact). */
export interface RedactionWire {
  readonly source: string;
  readonly flags: string;
}

/** Decides which names are redacted: the defaults, plus the user's names or RegExp. */
export class Redaction {
  static readonly DEFAULT: Redaction = new Redaction(undefined);
  readonly #extra: RegExp | undefined;

  constructor(extra: RedactOption | RedactionWire | undefined) {
    if (extra === undefined) this.#extra = undefined;
    else if (extra instanceof RegExp) this.#extra = new RegExp(extra.source, extra.flags.replace(/[gy]/g, ''));
    else if (Array.isArray(extra)) {
      const names = (extra as readonly string[]).filter((name) => name !== '');
      this.#extra = names.length
        ? new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i')
        : undefined;
    } else {
      const wire = extra as RedactionWire;
      this.#extra = new RegExp(wire.source, wire.flags);
    }
  }

  /** True when a value under this name must not leave the process. */
  matches(name: string): boolean {
    return DEFAULT_REDACTED_NAMES.test(name) || (this.#extra?.test(name) ?? false);
  }

  /** The user's part, for a worker thread; undefined when only the defaults apply. */
  toWire(): RedactionWire | undefined {
    return this.#extra ? { source: this.#extra.source, flags: this.#extra.flags } : undefined;
  }
}
