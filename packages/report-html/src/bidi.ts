/**
 * The bidirectional controls that open a scope (embeddings, overrides,
 * isolates) or close one. Left in a name or a message, U+202E turns the
 * rest of the line around ("Trojan Source"): `invoice\u202Efdp.exe` reads as
 * `invoiceexe.pdf`, and a report could show a task as something it is not.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Shows each bidi control as a visible `[U+202E]`, so no text from the
 * report can reorder what is around it. The labels hold none (no
 * right-to-left language is offered), so a whole rendering can go through.
 */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (char) => `[U+${(char.codePointAt(0) as number).toString(16).toUpperCase()}]`);
}
