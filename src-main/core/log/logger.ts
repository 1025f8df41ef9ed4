/**
 * The app's log: one line per event, `<ISO time> <LEVEL> <source>: <message>`,
 * scrubbed of anything that looks like a secret (scrub.ts). Where a catch
 * used to drop an error, it now calls `reportError(source, err)` (or
 * `log.warn`), so a tray that misbehaved overnight leaves a trace.
 *
 * Where lines go is set once per process: the tray and the CLI call
 * `openLog(stateDir)` (the rotating file, log-file.ts); `stratam --verbose`
 * adds an echo to stderr (`setLogEcho`). With no sink set (a library use, a
 * unit test) lines go nowhere. Logging never throws: a log that cannot be
 * written says so once on stderr and the app goes on.
 *
 * Never pass an object to log: only messages and errors, and an error is
 * reduced to its kind, message, code and cause's message (no stack, no
 * properties: an ssh2 error can carry the connection config).
 */
import { StratamError } from '../errors.js';
import { LogFile, logFilePath, type LogFileOptions } from './log-file.js';
import { oneLine, scrub } from './scrub.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogSink {
  write(line: string): void;
}

/** Longest message kept in one line (the rest is cut): a log line is read, not a dump. */
const MAX_MESSAGE = 4000;

let sink: LogSink | null = null;
let echo: ((line: string) => void) | null = null;
let sinkFailed = false;

/** Where lines go (the log file); returns the previous sink. `null`: nowhere. */
export function setLogSink(next: LogSink | null): LogSink | null {
  const prev = sink;
  sink = next;
  sinkFailed = false;
  return prev;
}

/** A second copy of every line, debug included (`stratam --verbose` prints them to stderr). */
export function setLogEcho(next: ((line: string) => void) | null): void {
  echo = next;
}

/** Log to `<stateDir>/logs/stratam.log` from now on (opened on the first line, so a quiet run creates nothing). */
export function openLog(stateDir: string, opts: LogFileOptions = {}): LogFile {
  const file = new LogFile(logFilePath(stateDir), opts);
  setLogSink(file);
  return file;
}

/** One error as one safe phrase: kind, message, code, and the cause's message; never its stack or fields. */
export function describeForLog(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    let s = err instanceof StratamError ? `${err.kind}: ${err.message}` : err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
    if (typeof code === 'string' && !s.includes(code)) s += ` [${code}]`;
    const cause = err.cause;
    if (cause instanceof Error && cause.message && !s.includes(cause.message)) s += ` (cause: ${cause.message})`;
    return s || err.name;
  }
  if (err === null || err === undefined || ['string', 'number', 'boolean', 'bigint'].includes(typeof err)) return String(err);
  return `a thrown ${typeof err} that is not an Error`; // never stringify it: it may be a config
}

export function formatLine(level: LogLevel, source: string, message: string, at: Date = new Date()): string {
  let text = oneLine(scrub(message));
  if (text.length > MAX_MESSAGE) text = `${text.slice(0, MAX_MESSAGE)}…`;
  return `${at.toISOString()} ${level.toUpperCase()} ${oneLine(source)}: ${text}`;
}

function emit(level: LogLevel, source: string, what: unknown): void {
  if (sink === null && echo === null) return;
  const line = formatLine(level, source, typeof what === 'string' ? what : describeForLog(what));
  if (echo) {
    try {
      echo(line);
    } catch {
      // stderr gone (a closed pipe): the file still gets the line, and there is nowhere else to say so
    }
  }
  if (level === 'debug' || sink === null) return;
  try {
    sink.write(line);
  } catch (err) {
    if (sinkFailed) return; // said once already; a log that cannot be written must not take the app down
    sinkFailed = true;
    try {
      process.stderr.write(`stratam: the log could not be written (${oneLine(scrub(describeForLog(err)))}); later lines are lost until it can.\n`);
    } catch {
      // stderr is gone too: nothing left to tell
    }
  }
}

export const log = {
  error: (source: string, what: unknown): void => emit('error', source, what),
  warn: (source: string, what: unknown): void => emit('warn', source, what),
  info: (source: string, message: string): void => emit('info', source, message),
  /** Only with an echo (`--verbose`): never written to the file. */
  debug: (source: string, message: string): void => emit('debug', source, message),
};

const throttled = new Map<string, { at: number; left: number }>();

/**
 * At most one line per `everyMs` for `key`: a poll that fails every second
 * while a link is down must not push everything else out of the capped log.
 * How many were left out is said with the next line that is written.
 */
export function logEvery(key: string, everyMs: number, level: 'error' | 'warn' | 'info', source: string, what: unknown): void {
  const now = Date.now();
  const t = throttled.get(key);
  if (t && now - t.at < everyMs) {
    t.left++;
    return;
  }
  const text = typeof what === 'string' ? what : describeForLog(what);
  emit(level, source, t && t.left > 0 ? `${text} (and ${t.left} more like it since the last line)` : text);
  throttled.set(key, { at: now, left: 0 });
}

/**
 * For a catch that goes on after an error: the error is logged (with what was
 * being done, if given) instead of dropped.
 */
export function reportError(source: string, err: unknown, doing?: string): void {
  emit('error', source, doing ? `${doing}: ${describeForLog(err)}` : err);
}

/**
 * A catch handler for clean-up that may find nothing to clean (a temp file
 * already removed): "no such file" is the expected outcome and is dropped;
 * anything else (a link that went down, a permission) is logged.
 */
export function unlessGone(source: string, doing: string): (err: unknown) => void {
  return (err) => {
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    reportError(source, err, doing);
  };
}

/**
 * Run a promise nobody waits for (a timer's tick, a watcher's start) with its
 * failure logged: the code inside handles what it expects, and whatever it
 * did not expect lands here instead of becoming an unhandled rejection.
 */
export function background(p: Promise<unknown>, source: string, doing: string): void {
  p.catch((err: unknown) => reportError(source, err, doing));
}
