import { useLayoutEffect, useMemo, useRef } from 'react';
import { ClippedText } from '../components/clipped-text.js';
import { openModal, returnFocus } from '../components/focus.js';
import type { AuditRow } from '../state/audit-rows.js';
import { asText, oneLine } from '../text/inert.js';

/**
 * The detail drawer: the record's fields, each value inert and clipped. A
 * non-modal dialog: the feed, its search and filters stay usable beside it.
 * It takes focus once, when it opens (onto Close), and gives it back to what
 * opened it (the row) when it closes with focus inside it; a live record or a
 * keystroke in the search re-renders it without moving focus.
 */
export function AuditDetail({ row, onClose, onShowInFeed }: { row: AuditRow; onClose(): void; /** A search hit: leave the search and open this record in the feed. */ onShowInFeed?(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // The latest onClose, read at the key press: the feed passes a new one on every render.
  const latestClose = useRef(onClose);
  latestClose.current = onClose;
  useLayoutEffect(() => {
    const opener = document.activeElement;
    const drawer = box.current;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      // A modal dialog above owns Escape.
      if (e.key === 'Escape' && !e.defaultPrevented && !openModal()) latestClose.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      returnFocus(opener, drawer);
    };
  }, []);
  const parsed = useMemo(() => {
    if (row.kind !== 'record' && row.kind !== 'truncated') return null;
    try {
      const v = JSON.parse(row.text) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }, [row]);
  const title = row.kind === 'record' ? `Record ${row.seq ?? ''} · ${row.tool}` : row.kind === 'truncated' ? `Record ${row.seq ?? '?'} · ${row.tool} (clipped)` : `${row.kind} marker`;
  return (
    <div className="drawer" role="dialog" aria-label={`Details: ${title}`} ref={box}>
      <header className="row">
        <h2>{title}</h2>
        <span className="spacer" />
        {onShowInFeed && (
          <button type="button" onClick={onShowInFeed}>
            Show in feed
          </button>
        )}
        <button type="button" ref={close} onClick={onClose} aria-label="Close details">
          Close (Esc)
        </button>
      </header>
      {parsed ? (
        <>
          <dl className="facts">
            <Fact k="stream" v={row.stream} />
            <Fact k="seq" v={parsed.seq} />
            <Fact k="time" v={parsed.ts} />
            <Fact k="turn" v={parsed.turn} />
            <Fact k="channel" v={parsed.channel} />
            <Fact k="trust" v={parsed.trust} />
            <Fact k="tool" v={parsed.tool} />
            <Fact k="ok" v={parsed.ok} />
            <Fact k="blocked" v={parsed.blocked ?? 'no'} />
            <Fact k="elapsed" v={typeof parsed.elapsed_ms === 'number' ? `${parsed.elapsed_ms} ms` : parsed.elapsed_ms} />
          </dl>
          <h3>Args</h3>
          <ClippedText label="Args" text={pretty(parsed.args)} />
          <h3>Result</h3>
          <ClippedText label="Result" text={pretty(parsed.result)} />
        </>
      ) : (
        <>
          {row.kind === 'truncated' && <p className="muted">This record is larger than the feed keeps in full; its first bytes follow as text.</p>}
          <ClippedText label="Raw" text={row.kind === 'truncated' ? row.text : prettyJson(row.text)} fullLength={row.fullLength} />
        </>
      )}
    </div>
  );
}

function Fact({ k, v }: { k: string; v: unknown }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v === undefined ? '—' : oneLine(asText(v) || String(v), 120)}</dd>
    </>
  );
}

function pretty(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
