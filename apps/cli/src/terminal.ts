import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { printable } from './printable.js';
import { textWidth, truncateToWidth } from './text-width.js';

/** A stream the CLI writes to; a TTY stream also has `isTTY`, `columns` and `rows`. */
export type OutputStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

/** Where the CLI reads its environment and writes its output; `runCli` takes one so it can be embedded. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative pipeline and output paths are resolved against it. */
  readonly cwd: string;
}

/** The styles the CLI uses: names `util.styleText` knows. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan' | 'gray';

/**
 * One output stream with what the CLI needs to know about it: whether it is
 * a terminal (live progress, colours) and how wide it is. Colours follow the
 * usual conventions: `NO_COLOR` turns them off, `FORCE_COLOR` (not `0`) on.
 */
export class Terminal {
  readonly #stream: OutputStream;
  readonly isTTY: boolean;
  readonly color: boolean;

  constructor(stream: OutputStream, env: CliIo['env']) {
    this.#stream = stream;
    this.isTTY = stream.isTTY === true;
    const force = env['FORCE_COLOR'];
    if (env['NO_COLOR']) this.color = false;
    else if (force !== undefined && force !== '') this.color = force !== '0' && force !== 'false';
    else this.color = this.isTTY && env['TERM'] !== 'dumb';
  }

  /** Columns of the terminal; 120 when not a terminal (nothing is cut then anyway). */
  get columns(): number {
    return this.#stream.columns && this.#stream.columns > 0 ? this.#stream.columns : 120;
  }

  /** Rows of the terminal; 24 when unknown. */
  get rows(): number {
    return this.#stream.rows && this.#stream.rows > 0 ? this.#stream.rows : 24;
  }

  write(text: string): void {
    this.#stream.write(text);
  }

  line(text = ''): void {
    this.#stream.write(`${text}\n`);
  }

  /**
   * `text` in the given styles when colours are on; as is otherwise. Whether
   * they are on is decided here, for this stream and this environment (an
   * embedded CLI's `io.env`, not necessarily `process.env`), so styleText is
   * told not to decide again (`validateStream: false`; Node 20 ignores it).
   */
  style(text: string, ...styles: Style[]): string {
    if (!this.color || text === '' || styles.length === 0) return text;
    return styleText(styles, text, { validateStream: false });
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stream.writableEnded || this.#stream.destroyed) resolve();
      else this.#stream.write('', () => resolve());
    });
  }
}

/** A piece of a line and its styles; lines are cut to the terminal width by visible length, then styled. */
export type Segment = readonly [text: string, ...styles: Style[]];

/**
 * Joins segments into one line of at most `width` terminal columns (the
 * rest becomes `…`), styled. Columns, not characters: a CJK character or an
 * emoji takes two. A segment's text is data (names, messages): its control
 * characters are shown, never sent to the terminal.
 */
export function fitLine(terminal: Terminal, segments: readonly Segment[], width: number): string {
  let room = Math.max(1, width);
  let out = '';
  for (const [text, ...styles] of segments) {
    if (room <= 0) break;
    const piece = truncateToWidth(printable(text), room);
    room -= textWidth(piece);
    out += terminal.style(piece, ...styles);
  }
  return out;
}
