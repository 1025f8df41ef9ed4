/**
 * The last lines one run of a container logged, through Docker's logs API
 * (both streams, with Docker's timestamps), bounded in lines and in bytes.
 *
 * Why not Docker's `tail`: the daemon applies `tail` to the whole log before
 * `since`/`until` (measured on 20.10: `--until T --tail 2` prints nothing
 * when the last two lines are after T), so the last lines of an earlier run
 * cannot be asked for. Instead the run's span is read and a ring keeps its
 * last lines; when the span holds more than `maxBytes`, the read stops and
 * the last few seconds before `until` are read instead.
 *
 * Without a TTY the body is multiplexed: 8-byte frame headers (stream id,
 * 0, 0, 0, big-endian length) before each log message; with one it is the
 * raw text. Both are parsed here, a frame's length trusted only up to the
 * byte bound.
 */
import type { IncomingMessage } from 'node:http';
import type { Droplet } from '../droplet/droplet.js';
import type { IncidentLogLine } from '../recovery/recovery-types.js';
import { dockerFor } from './docker-client.js';
import { nanoTime } from './events.js';

export interface RunLogs {
  lines: IncidentLogLine[];
  /** More lines were logged in the span than are kept. */
  truncated: boolean;
  /** Even the last second before the death held more than the bound: the lines shown are not the very last ones. */
  cut: boolean;
}

export interface RunLogOptions {
  /** Start of the run (ns since the epoch), or null when unknown. */
  sinceNano: number | null;
  /** When the run died (ns since the epoch). */
  untilNano: number;
  tty: boolean;
  maxLines?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export const LOG_LINES = 40;
const LOG_BYTES = 1024 * 1024;
const LINE_CHARS = 2000;
/** What the last second before a death may be read for, when the run logged more than LOG_BYTES in its last 10 s. */
const LAST_SECOND_BYTES = 16 * 1024 * 1024;
/** A frame longer than this is kept only up to here (Docker splits log messages at 16 KiB). */
const MAX_FRAME = 64 * 1024;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;

/** The container's id and whether it runs with a TTY (which decides the body's framing). */
export async function containerLogFacts(droplet: Droplet, name: string): Promise<{ id: string; tty: boolean } | null> {
  const { docker } = dockerFor(droplet);
  try {
    const info = await docker.getContainer(name).inspect();
    return { id: info.Id, tty: info.Config.Tty === true };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

export async function runLogs(droplet: Droplet, containerId: string, opts: RunLogOptions): Promise<RunLogs> {
  const maxBytes = opts.maxBytes ?? LOG_BYTES;
  const since = opts.sinceNano;
  // The whole run; then its last 10 s; then its last second, with a larger bound (a run that spews to its death).
  const plan = [
    { from: since, cap: maxBytes },
    { from: opts.untilNano - 10e9, cap: maxBytes },
    { from: opts.untilNano - 1e9, cap: Math.max(maxBytes, LAST_SECOND_BYTES) },
  ];
  let prevFrom: number | null | undefined;
  for (const [i, step] of plan.entries()) {
    const from = i === 0 || since === null ? step.from : Math.max(since, step.from!);
    const last = i === plan.length - 1;
    if (i > 0 && !last && from === prevFrom) continue;
    prevFrom = from;
    const r = await readSpan(droplet, containerId, { ...opts, sinceNano: from, maxBytes: step.cap });
    if (!r.overflow || last) return { lines: r.lines, truncated: r.dropped > 0 || r.overflow || from !== since, cut: r.overflow };
  }
  throw new Error('unreachable: the last step of the plan always returns');
}

interface Span {
  lines: IncidentLogLine[];
  dropped: number;
  overflow: boolean;
}

async function readSpan(droplet: Droplet, id: string, opts: RunLogOptions & { maxBytes: number }): Promise<Span> {
  const { docker } = dockerFor(droplet);
  const query: Record<string, unknown> = { stdout: true, stderr: true, timestamps: true, follow: false, until: nanoTime(opts.untilNano) };
  if (opts.sinceNano !== null) query.since = nanoTime(opts.sinceNano);
  // dockerode's container.logs buffers the whole body when not following; the modem's stream form is read here, bounded.
  const modem = docker.modem as { dial(o: object, cb: (err: unknown, stream: IncomingMessage) => void): void };
  const stream = await new Promise<IncomingMessage>((resolve, reject) =>
    modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error', 501: 'the logging driver cannot be read' },
        options: query,
        ...(opts.signal ? { abortSignal: opts.signal } : {}),
      },
      (err, s) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(s)),
    ),
  );
  const ring = new LineRing(opts.maxLines ?? LOG_LINES);
  const parser = opts.tty ? new RawParser(ring) : new FrameParser(ring);
  let bytes = 0;
  let overflow = false;
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => {
      if (overflow) return;
      bytes += c.length;
      if (bytes > opts.maxBytes) {
        overflow = true;
        stream.destroy();
        resolve();
        return;
      }
      parser.push(c);
    });
    stream.on('end', resolve);
    stream.on('close', () => (overflow || stream.complete ? resolve() : reject(new Error("Docker's log stream was cut off mid-answer."))));
    stream.on('error', (err) => (overflow ? resolve() : reject(err)));
  });
  parser.end();
  return { lines: ring.lines(), dropped: ring.dropped, overflow };
}

/** The last `max` lines, oldest first. */
class LineRing {
  private readonly buf: IncidentLogLine[] = [];
  dropped = 0;
  constructor(private readonly max: number) {}
  add(stream: IncidentLogLine['stream'], raw: string): void {
    const m = TIMESTAMP.exec(raw);
    let text = m ? raw.slice(m[0].length) : raw;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.length > LINE_CHARS) text = `${text.slice(0, LINE_CHARS)}…`;
    this.buf.push({ stream, ts: m ? m[1]! : null, text });
    if (this.buf.length > this.max) {
      this.buf.shift();
      this.dropped++;
    }
  }
  lines(): IncidentLogLine[] {
    return [...this.buf];
  }
}

/** Text of one stream split into lines; a line is held only up to a bound (its head is what is shown). */
class Splitter {
  private pending = '';
  private held = false;
  constructor(
    private readonly ring: LineRing,
    private readonly stream: IncidentLogLine['stream'],
  ) {}
  push(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.keep(text.slice(from, nl));
      this.ring.add(this.stream, this.pending);
      this.pending = '';
      this.held = false;
      from = nl + 1;
    }
    this.keep(text.slice(from));
  }
  private keep(piece: string): void {
    if (!piece) return;
    this.held = true;
    if (this.pending.length <= LINE_CHARS + 64) this.pending += piece.slice(0, LINE_CHARS + 64);
  }
  end(): void {
    if (this.held) this.ring.add(this.stream, this.pending);
    this.pending = '';
    this.held = false;
  }
}

class RawParser {
  private readonly out: Splitter;
  private readonly decoder = new TextDecoder('utf-8');
  constructor(ring: LineRing) {
    this.out = new Splitter(ring, 'stdout');
  }
  push(c: Buffer): void {
    this.out.push(this.decoder.decode(c, { stream: true }));
  }
  end(): void {
    this.out.push(this.decoder.decode());
    this.out.end();
  }
}

class FrameParser {
  private head = Buffer.alloc(0);
  private left = 0;
  private target: Splitter | null = null;
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  private readonly splitters: Record<IncidentLogLine['stream'], Splitter>;
  private frame: Buffer[] = [];
  private frameLen = 0;
  private stream: IncidentLogLine['stream'] = 'stdout';
  constructor(ring: LineRing) {
    this.splitters = { stdout: new Splitter(ring, 'stdout'), stderr: new Splitter(ring, 'stderr') };
  }
  push(c: Buffer): void {
    let pos = 0;
    while (pos < c.length) {
      if (this.left === 0) {
        const need = 8 - this.head.length;
        this.head = Buffer.concat([this.head, c.subarray(pos, pos + need)]);
        pos += Math.min(need, c.length - pos);
        if (this.head.length < 8) return;
        // Stream id 2 is stderr; 0 (stdin) and 1 are shown as stdout.
        this.stream = this.head[0] === 2 ? 'stderr' : 'stdout';
        this.target = this.splitters[this.stream];
        this.left = this.head.readUInt32BE(4);
        this.head = Buffer.alloc(0);
        this.frame = [];
        this.frameLen = 0;
        if (this.left === 0) continue;
      }
      const n = Math.min(this.left, c.length - pos);
      if (this.frameLen < MAX_FRAME) this.frame.push(c.subarray(pos, pos + Math.min(n, MAX_FRAME - this.frameLen)));
      this.frameLen += n;
      this.left -= n;
      pos += n;
      if (this.left === 0) this.finishFrame();
    }
  }
  private finishFrame(): void {
    const t = this.target!;
    // A message over 16 KiB comes in parts, each with its own timestamp; a line is kept only to LINE_CHARS, so the later parts never show.
    t.push(this.decoders[this.stream].decode(Buffer.concat(this.frame), { stream: true }));
    this.frame = [];
  }
  end(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      this.splitters[s].push(this.decoders[s].decode());
      this.splitters[s].end();
    }
  }
}
