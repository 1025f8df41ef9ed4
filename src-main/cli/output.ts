/**
 * Everything the CLI prints goes through here: JSON when --json, short aligned
 * text otherwise, colour only when stdout is a terminal (and NO_COLOR unset).
 *
 * Terminal safety (terminal-safe.ts) is applied here, once, so no command can
 * forget it: human text has every control, bidi and invisible format
 * character escaped (only its own line breaks kept), table cells are escaped
 * as single fields (a newline in a trusted id cannot forge a row), and JSON
 * has the characters JSON.stringify leaves raw written as \u escapes. A
 * command that puts a droplet value inside a line it composes still wraps it
 * in `field()`, since only the command knows where the value ends (a newline
 * in a tool name must not start a new record line).
 *
 * Colour: `c.red()` and friends do not put ESC sequences into the text; they
 * put markers carrying a random per-process nonce, which the final write
 * turns into SGR sequences after everything else was escaped. So droplet text
 * can never produce an escape sequence, not even a colour: it cannot guess
 * the nonce, and any NUL it holds is escaped.
 *
 * A command's own output (`sandbox run`, `exec`, `audit fetch`, `audit tail
 * --json` records) is written as is into a pipe or file, where the exact bytes
 * matter, and escaped only when the stream is a terminal (`commandOut`).
 */
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { escapeField, escapeJsonLines, escapeStream, escapeText, safeJson } from './terminal-safe.js';

export interface Colors {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export interface ProgressEvent {
  kind: 'progress';
  phase: string;
  done: number;
  total: number;
}

export class Output {
  readonly json: boolean;
  readonly tty: boolean;
  readonly c: Colors;
  private lastBar = 0;

  constructor(opts: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }) {
    this.json = opts.json;
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    this.tty = Boolean(this.stdout.isTTY) && !process.env.NO_COLOR;
    // `stratam ... | head` closes the pipe early. The action under way (a
    // rotation, an export) must finish regardless: later output is dropped,
    // never thrown into the middle of it.
    this.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.stdoutGone = true;
      this.closed.abort();
    });
    const nonce = randomBytes(12).toString('hex');
    this.mark = (code) => `\u0000${nonce}:${code}\u0000`;
    this.marker = new RegExp(`\u0000${nonce}:(\\d+)\u0000`);
    const wrap = (code: number, reset: number) => (s: string) => (this.tty ? `${this.mark(code)}${s}${this.mark(reset)}` : s);
    this.c = { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
  }

  private readonly stdout: NodeJS.WriteStream;
  private readonly stderr: NodeJS.WriteStream;
  private stdoutGone = false;
  private readonly closed = new AbortController();
  /** A colour marker (see the header) and the pattern that finds one, its SGR code captured. */
  private readonly mark: (code: string | number) => string;
  private readonly marker: RegExp;
  /** UTF-8 decoders for a command's own output on a terminal: a chunk may end inside a character. */
  private readonly decoders = new Map<'out' | 'err', StringDecoder>();

  /** Aborts once the reader of stdout has gone (`| head`): a stream that only prints can stop. */
  get stdoutClosed(): AbortSignal {
    return this.closed.signal;
  }

  /**
   * Escape the text between our colour markers with `each`; the markers
   * become SGR sequences (`sgr`) or stay markers (a table cell, rendered again
   * by the final write). `split` with a capture group alternates text (even
   * indexes) and SGR codes (odd ones).
   */
  private render(text: string, each: (s: string) => string, sgr: boolean): string {
    const parts = text.split(this.marker);
    let out = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      out += i % 2 === 0 ? each(p) : sgr ? `\x1b[${p}m` : this.mark(p);
    }
    return out;
  }

  /** Human text for the terminal: escaped, only its own line breaks kept, colour markers made SGR. */
  private human(text: string): string {
    return this.render(text, escapeText, true);
  }

  /** One droplet value inside a line a command composes: every control, bidi and invisible character escaped, newlines included. */
  field(value: unknown): string {
    return escapeField(String(value));
  }

  /** The command's final answer: the value as JSON, or the human rendering. */
  private write(text: string | Buffer): void {
    if (!this.stdoutGone) this.stdout.write(text);
  }

  result(value: unknown, human: () => string): void {
    this.write(this.json ? `${safeJson(value)}\n` : `${this.human(human())}\n`);
  }

  /** One JSON object per line (streams: events, audit records). */
  event(value: unknown): void {
    this.write(`${safeJson(value)}\n`);
  }

  line(text: string): void {
    this.write(`${this.human(text)}\n`);
  }

  /** Write as is (text the caller made safe, or bytes for a pipe); false when this write filled the pipe (see `onceDrained`). */
  raw(chunk: Buffer | string): boolean {
    if (this.stdoutGone) return true;
    return this.stdout.write(chunk);
  }

  /**
   * Output the droplet produced and the operator asked for (a sandbox run, an
   * exec, a fetched record): the exact bytes into a pipe or file; on a
   * terminal, decoded as UTF-8 and shown with its controls escaped (line
   * breaks and tabs kept), so a command cannot drive the operator's terminal.
   * `json`: the chunks are JSON text (records), escaped as \u so they stay JSON.
   */
  commandOut(chunk: Buffer, stream: 'out' | 'err' = 'out', json = false): boolean {
    const target = stream === 'out' ? this.stdout : this.stderr;
    if (!target.isTTY) return stream === 'out' ? this.raw(chunk) : (this.stderr.write(chunk), true);
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new StringDecoder('utf8')));
    const text = decoder.write(chunk);
    const safe = json ? escapeJsonLines(text) : escapeStream(text);
    if (stream === 'err') {
      this.stderr.write(safe);
      return true;
    }
    return this.raw(safe);
  }

  /** Once a full stdout pipe has room again, or its reader has gone: a long stream holds its source until then. */
  onceDrained(f: () => void): void {
    let called = false;
    const once = () => {
      if (called) return;
      called = true;
      this.stdout.off('drain', once);
      this.closed.signal.removeEventListener('abort', once);
      f();
    };
    this.stdout.once('drain', once);
    if (this.stdoutGone) once();
    else this.closed.signal.addEventListener('abort', once, { once: true });
  }

  warn(text: string): void {
    this.stderr.write(`${this.human(text)}\n`);
  }

  /** A bar on a terminal's stderr; JSON lines on stdout with --json; nothing otherwise. */
  progress(phase: string, done: number, total: number): void {
    if (this.json) {
      this.event({ kind: 'progress', phase, done, total } satisfies ProgressEvent);
      return;
    }
    if (!this.stderr.isTTY) return;
    const now = Date.now();
    if (done < total && now - this.lastBar < 50) return;
    this.lastBar = now;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const fill = Math.round(frac * width);
    this.stderr.write(`\r${escapeField(phase).padEnd(18)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}`);
    if (done >= total) this.stderr.write('\n');
  }

  /** Align `key  value` rows for human output; each cell is one field (a line break in a value is shown as \n, never a new row). */
  table(rows: Array<[string, string]>): string {
    const cell = (s: string) => this.render(s, escapeField, false);
    const safe = rows.map(([k, v]) => [cell(k), cell(v)] as const);
    const w = Math.max(0, ...safe.map(([k]) => k.length));
    return safe.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
  }
}
