import { InvalidOptionError } from 'processes-core';
import { LANGUAGE_CODES } from './languages.js';
import { PALETTE_NAMES } from './palettes.js';

/**
 * A palette name that is not one of the four. An `InvalidOptionError` too,
 * so code that catches bad options in general catches it.
 */
export class UnknownPaletteError extends InvalidOptionError {
  static override readonly code: string = 'PROC_UNKNOWN_PALETTE';
  /** The palettes there are. */
  readonly known: readonly string[] = PALETTE_NAMES;

  constructor(where: string, received: unknown, field = 'palette') {
    super(where, field, `one of ${quoteAll(PALETTE_NAMES)}`, received, undefined, hint(received, PALETTE_NAMES));
  }
}

/** A language code that is not one of the six. An `InvalidOptionError` too. */
export class UnknownLanguageError extends InvalidOptionError {
  static override readonly code: string = 'PROC_UNKNOWN_LANGUAGE';
  /** The languages there are. */
  readonly known: readonly string[] = LANGUAGE_CODES;

  constructor(where: string, received: unknown, field = 'language') {
    super(where, field, `one of ${quoteAll(LANGUAGE_CODES)}`, received, undefined, hint(received, LANGUAGE_CODES));
  }
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/** A "did you mean" for a wrong-case name or a region tag (`EN`, `pt-BR`, `Slate`). */
function hint(received: unknown, known: readonly string[]): string | undefined {
  if (typeof received !== 'string') return undefined;
  const lower = received.trim().toLowerCase();
  const match = known.find((name) => lower === name || lower.startsWith(`${name}-`) || lower.startsWith(`${name}_`));
  return match ? `Did you mean "${match}"?` : undefined;
}
