/**
 * How `stratam audit` prints a record or a diagnostic for a person. Every
 * value is the agent's, so each is escaped as one field: it cannot move the
 * cursor or start a line (terminal-safe.ts).
 */
import type { AuditRecord, Diagnostic } from '../core/audit/diagnostics.js';
import { escapeField as esc } from './terminal-safe.js';

/**
 * A record value as one escaped field. Not String(v): a record's "tool" may be
 * an object with its own "toString" key, and String() of that throws (it
 * used to end `audit tail` at such a record).
 */
function show(v: unknown, absent = '?'): string {
  if (v === undefined || v === null) return absent;
  if (typeof v === 'string') return esc(v);
  // A parsed JSON value: stringify cannot throw (no cycles, no BigInt).
  return esc(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** One record as a line. Every value is the agent's, so each is escaped as one field: it cannot move the cursor or start a line. */
export function humanRecord(r: Pick<AuditRecord, 'seq' | 'stream' | 'value'>): string {
  const v = r.value;
  const outcome = v.blocked ? `BLOCKED(${show(v.blocked)})` : v.ok === true ? 'ok' : 'FAILED';
  let args = '';
  try {
    args = JSON.stringify(v.args ?? null);
  } catch {
    args = ''; // cannot happen for parsed JSON (no cycles, no BigInt); the record still prints, without its args column
  }
  if (args.length > 100) args = `${args.slice(0, 99)}…`;
  return `#${r.seq} ${show(v.ts, '')} ${show(v.channel)}/${show(v.trust)} ${show(v.tool)} ${outcome} ${esc(args)}${r.stream === 'receipts' ? ' [operator]' : ''}`;
}

export function humanDiag(d: Diagnostic): string {
  switch (d.kind) {
    case 'gap':
      return `! gap: ${d.stream} seq ${d.from}${d.to === d.from ? '' : `-${d.to}`} missing (${d.missing})`;
    case 'malformed':
      return `! malformed ${d.stream} line (${d.reason}) at ${d.file_id}:${d.offset}, ${d.length} bytes [${d.count} so far]`;
    case 'truncated':
      return `! truncated: ${d.stream} seq ${d.record_seq ?? '?'}, ${d.length} bytes; full text: ${d.fetch}`;
    case 'connection':
      return `! connection ${d.state}: ${esc(d.detail)}`;
    case 'control':
      return `!! CONTROL PLANE (${d.severity}) ${d.event}${d.file ? ` ${d.file}` : ''}: ${esc(d.detail)}`;
    default:
      // The detail can quote the agent's command (second line).
      return `!! ALERT (${d.severity}) ${d.reason} at ${d.stream} seq ${d.at_seq}: ${esc(d.detail)}`;
  }
}
