/**
 * Audit items as compact rows. A feed of 100,000 records must stay well
 * under 200 MB, so each record is reduced once, on arrival, to the fields the
 * table and filters use plus its raw line (re-parsed only when the detail
 * drawer opens); the parsed object from IPC is dropped.
 */
import type { AuditItemView } from '../../../src-main/ipc/api.js';
import { asText, oneLine } from '../text/inert.js';

export type Outcome = 'ok' | 'failed' | 'blocked';
/** `pending` and `not-held` are the mirror window's placeholders for a seq not read yet or not in the mirror (trail-window.ts). */
export type RowKind = 'record' | 'gap' | 'malformed' | 'alert' | 'truncated' | 'connection' | 'control' | 'pending' | 'not-held';

export interface AuditRow {
  id: number;
  kind: RowKind;
  stream: 'activity' | 'receipts' | null;
  seq: number | null;
  ts: string;
  tsMs: number;
  tool: string;
  outcome: Outcome | null;
  blocked: string | null;
  channel: string;
  trust: string;
  elapsed: number | null;
  turn: string | null;
  /** One legible line for the table. */
  summary: string;
  /** The raw line (records) or the diagnostic as JSON. */
  text: string;
  /** Full size in bytes when the line was longer than what arrived (truncated records). */
  fullLength: number | null;
  /** Markers that carry one (alert, control): how loud the row is. */
  severity: 'critical' | 'warning' | 'info' | null;
}

let nextId = 1;
const str = (v: unknown, max = 64) => (typeof v === 'string' ? oneLine(v, max) : v === null || v === undefined ? '' : oneLine(String(v), max));

export function toRow(item: AuditItemView): AuditRow {
  if (item.type === 'record') {
    const r = item.record;
    const v = r.value;
    const blocked = typeof v.blocked === 'string' && v.blocked ? str(v.blocked, 32) : null;
    const outcome: Outcome = blocked ? 'blocked' : v.ok === true ? 'ok' : 'failed';
    const ts = typeof v.ts === 'string' ? oneLine(v.ts, 40) : '';
    const args = oneLine(asText(v.args).slice(0, 2000), 200);
    const result = oneLine(asText(v.result).slice(0, 2000), 160);
    return {
      id: nextId++,
      kind: 'record',
      stream: r.stream,
      seq: r.seq,
      ts,
      tsMs: Date.parse(ts) || 0,
      tool: str(v.tool) || '(no tool)',
      outcome,
      blocked,
      channel: str(v.channel, 24),
      trust: str(v.trust, 24),
      elapsed: typeof v.elapsed_ms === 'number' && Number.isFinite(v.elapsed_ms) ? v.elapsed_ms : null,
      turn: typeof v.turn === 'string' ? str(v.turn, 64) : null,
      summary: result ? `${args}  →  ${result}` : args,
      text: r.text,
      fullLength: null,
      severity: null,
    };
  }
  const d = item.diagnostic as Record<string, unknown> & { kind: RowKind };
  const base = {
    id: nextId++,
    kind: d.kind,
    stream: d.stream === 'activity' || d.stream === 'receipts' ? d.stream : null,
    ts: '',
    tsMs: 0,
    outcome: null,
    blocked: null,
    channel: '',
    trust: '',
    elapsed: null,
    turn: null,
    fullLength: null,
    severity: d.severity === 'critical' || d.severity === 'warning' || d.severity === 'info' ? d.severity : null,
  } satisfies Partial<AuditRow>;
  switch (d.kind) {
    case 'gap':
      return { ...base, seq: num(d.from), tool: 'gap', summary: `${num(d.missing) ?? '?'} record(s) missing: seq ${num(d.from)}–${num(d.to)}`, text: JSON.stringify(d) };
    case 'malformed':
      return { ...base, seq: null, tool: 'malformed', summary: `Malformed line (${str(d.reason, 32)}): ${oneLine(asText(d.preview), 160)}`, text: JSON.stringify(d) };
    case 'control': {
      // The session's control-plane marker: a change no receipt explains, hold-pause's revert, a destructive call while paused.
      const ts = typeof d.at === 'string' ? oneLine(d.at, 40) : '';
      // The detail already names the key; the file id says which control-plane entry it was.
      const file = str(d.file, 24);
      return {
        ...base,
        seq: null,
        ts,
        tsMs: Date.parse(ts) || 0,
        tool: str(d.event, 32) || 'control',
        summary: `${str(d.severity, 16).toUpperCase()} ${file ? `[${file}] ` : ''}${oneLine(asText(d.detail), 200)}`,
        text: JSON.stringify(d),
      };
    }
    case 'alert':
      return { ...base, seq: num(d.at_seq), tool: 'alert', summary: `${str(d.severity, 16).toUpperCase()} ${str(d.reason, 40)}: ${oneLine(asText(d.detail), 200)}`, text: JSON.stringify(d) };
    case 'truncated': {
      const head = asText(d.head);
      const tool = /"tool"\s*:\s*"([^"]{1,64})"/.exec(head.slice(0, 4096))?.[1];
      const ts = /"ts"\s*:\s*"([^"]{1,40})"/.exec(head.slice(0, 4096))?.[1] ?? '';
      return {
        ...base,
        kind: 'truncated',
        seq: num(d.record_seq),
        tool: tool ? oneLine(tool, 64) : '(truncated)',
        ts: oneLine(ts, 40),
        tsMs: Date.parse(ts) || 0,
        summary: `Record of ${formatSize(num(d.length))} shown clipped: ${oneLine(head.slice(0, 2000), 160)}`,
        text: head,
        fullLength: num(d.length),
      };
    }
    default:
      return { ...base, kind: 'connection', seq: null, tool: 'connection', summary: `${str(d.state, 24)}: ${oneLine(asText(d.detail), 200)}`, text: JSON.stringify(d) };
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const formatSize = (n: number | null) => (n === null ? 'unknown size' : n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`);
