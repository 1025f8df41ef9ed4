/**
 * Droplet-supplied strings are data, never markup. React already renders
 * strings as text nodes; these helpers make them legible too: ANSI escape
 * sequences are removed (colour is not worth an escape parser that a hostile
 * record could aim at), other control characters become visible symbols, and
 * huge values are clipped for display with the full length reported.
 */

// CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST), and two-byte ESC sequences, plus C1 CSI (U+009B).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// C0 controls except tab/newline, DEL, C1, and bidi overrides that could reorder what an operator reads.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function stripAnsi(s: string): string {
  return s.includes('\u001b') || s.includes('\u009b') ? s.replace(ANSI, '') : s;
}

/** Make a string safe to read: no ANSI, control characters shown as U+FFFD-like markers. */
export function legible(s: string): string {
  return stripAnsi(s).replace(CONTROL, (c) => (c === '\r' ? '␍' : c === '\u001b' ? '␛' : '�'));
}

/** One line for a table cell: legible, whitespace collapsed, clipped. */
export function oneLine(s: string, max = 240): string {
  const head = s.length > max * 4 ? s.slice(0, max * 4) : s;
  const flat = legible(head).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A value as display text: strings as they are, everything else as compact JSON. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
