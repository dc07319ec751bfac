/**
 * Control characters a terminal would act on rather than show: C0 (but
 * tab and line feed), DEL, C1, and the bidirectional controls that reorder
 * the rest of a line. A task's error message often holds what a server sent
 * back; printed as is, `\x1b]0;...\x07` retitles the window, `\x1b[2J`
 * clears the screen, `\x1b]52;...` writes the clipboard, and `\r` draws over
 * the line before it.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a task, a report or a pipeline file made safe to print: each
 * control character becomes a visible escape (`\x1b` shows as `\u001b`).
 * Every string the CLI did not write itself goes through here on its way
 * to the terminal; the reports it writes to files (`--json`, `--html`) keep
 * the text as it was.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
