/**
 * Everything the CLI prints goes through here: JSON when --json, short aligned
 * text otherwise, colour only when stdout is a terminal (and NO_COLOR unset).
 */
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
    const wrap = (code: number, reset: number) => (s: string) => (this.tty ? `\x1b[${code}m${s}\x1b[${reset}m` : s);
    this.c = { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
  }

  private readonly stdout: NodeJS.WriteStream;
  private readonly stderr: NodeJS.WriteStream;
  private stdoutGone = false;
  private readonly closed = new AbortController();

  /** Aborts once the reader of stdout has gone (`| head`): a stream that only prints can stop. */
  get stdoutClosed(): AbortSignal {
    return this.closed.signal;
  }

  /** The command's final answer: the value as JSON, or the human rendering. */
  private write(text: string | Buffer): void {
    if (!this.stdoutGone) this.stdout.write(text);
  }

  result(value: unknown, human: () => string): void {
    this.write(this.json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
  }

  /** One JSON object per line (streams: events, audit records). */
  event(value: unknown): void {
    this.write(`${JSON.stringify(value)}\n`);
  }

  line(text: string): void {
    this.write(`${text}\n`);
  }

  /** Write as is; false when this write filled the pipe (see `onceDrained`). */
  raw(chunk: Buffer | string): boolean {
    if (this.stdoutGone) return true;
    return this.stdout.write(chunk);
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

  rawErr(chunk: Buffer | string): void {
    this.stderr.write(chunk);
  }

  warn(text: string): void {
    this.stderr.write(`${text}\n`);
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
    this.stderr.write(`\r${phase.padEnd(18)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}`);
    if (done >= total) this.stderr.write('\n');
  }

  /** Align `key  value` rows for human output. */
  table(rows: Array<[string, string]>): string {
    const w = Math.max(0, ...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
  }
}
