/**
 * Fabrication warnings and other alerts. A fabrication shows the reply
 * excerpt with the claim highlighted (as text: the highlight is a <mark>
 * around a substring, never parsed markup), its tier, the turn's tool calls
 * as receipts (or their absence) and whether the droplet's own verdict agrees.
 * A control-plane alert shows what changed (file, key, from → to), whether a
 * receipt explained it and what hold-pause did.
 *
 * Each warning can be acknowledged (one, or all of the selected droplet):
 * it stays listed, dimmed, with when it was acknowledged, and no longer
 * counts in the badges, the dashboard or the tray icon.
 */
import type { WarningView } from '../../../src-main/ipc/api.js';
import { clock } from '../components/time.js';
import { KIND_LABEL } from '../state/control-alerts.js';
import { useAppState, useStore } from '../state/hooks.js';
import { isOpen } from '../state/warning-list.js';
import { legible, oneLine } from '../text/inert.js';

const TIER: Record<number, string> = { 1: 'Tier 1 · claims it is done', 2: 'Tier 2 · claims it is happening', 3: 'Tier 3 · says it is about to' };

export function Warnings({ name }: { name: string | null }) {
  const app = useStore();
  const s = useAppState();
  const mine = s.warnings.filter((w) => !name || w.name === name);
  // Open ones first (newest first within each part): what still needs a look is on top.
  const open = mine.filter(isOpen);
  const list = [...open, ...mine.filter((w) => !isOpen(w))];
  const canAck = app.platform.has('warningsAcknowledge');
  return (
    <section className="page" aria-label="Warnings">
      <header className="row page-head">
        <h1>Warnings{name ? ` · ${name}` : ''}</h1>
        <span className="spacer" />
        {mine.length > 0 && (
          <span className="muted small" data-testid="warnings-summary">
            {open.length} open · {mine.length - open.length} acknowledged
          </span>
        )}
        {canAck && open.length > 0 && (
          <button
            type="button"
            onClick={() => app.background(app.acknowledge(name ? { all: true, name } : { all: true }), 'Acknowledging warnings')}
            aria-label={name ? `Acknowledge all warnings on ${name}` : 'Acknowledge all warnings'}
          >
            Acknowledge all
          </button>
        )}
      </header>
      {list.length === 0 ? (
        <p className="empty">
          No warnings. Replies that claim an action without a tool call behind it, control-plane changes no operator receipt explains, and blocked commands that ran will appear here.
        </p>
      ) : (
        <ul className="warnings">
          {list.map((w) => (
            <WarningCard key={w.id} w={w} canAck={canAck} />
          ))}
        </ul>
      )}
    </section>
  );
}

function WarningCard({ w, canAck }: { w: WarningView; canAck: boolean }) {
  const app = useStore();
  const d = w.detail;
  const excerpt = typeof d.excerpt === 'string' ? d.excerpt : typeof d.content === 'string' ? d.content : null;
  const phrase = typeof d.phrase === 'string' ? d.phrase : Array.isArray(d.phrases) && typeof d.phrases[0] === 'string' ? d.phrases[0] : null;
  const calls = Array.isArray(d.calls) ? (d.calls as Array<Record<string, unknown>>) : null;
  const verdict = d.droplet && typeof d.droplet === 'object' ? (d.droplet as { tier?: unknown; phrases?: unknown }) : d.droplet === null ? null : undefined;
  return (
    <li className={`warning sev-${w.severity}${w.acknowledgedAt ? ' acknowledged' : ''}`} aria-label={`${w.kind} warning on ${w.name}${w.acknowledgedAt ? ', acknowledged' : ''}`}>
      <header className="row">
        <span className={`badge b-${w.severity === 'critical' ? 'failed' : w.severity === 'info' ? 'ok' : 'paused'}`} title={KIND_LABEL[w.kind]}>
          {w.kind}
        </span>
        {w.tier !== null && <span className="badge">{TIER[w.tier] ?? `Tier ${w.tier}`}</span>}
        <span className="muted small">{w.name}</span>
        {typeof d.turn === 'string' && <span className="muted small mono">turn {oneLine(d.turn, 40)}</span>}
        <span className="spacer" />
        <span className="muted small">{clock(w.at)}</span>
        {w.acknowledgedAt ? (
          <span className="muted small" data-testid="acknowledged-at">
            acknowledged at {clock(w.acknowledgedAt)}
          </span>
        ) : (
          canAck && (
            <button
              type="button"
              className="small"
              onClick={() => app.background(app.acknowledge({ id: w.id }), 'Acknowledging the warning')}
              aria-label={`Acknowledge ${w.kind} warning on ${w.name} at ${clock(w.at)}`}
            >
              Acknowledge
            </button>
          )
        )}
      </header>
      <p>{oneLine(w.message, 400)}</p>
      {excerpt !== null && (
        <blockquote className="excerpt" aria-label="Reply excerpt">
          <Highlighted text={legible(excerpt.slice(0, 4000))} phrase={phrase} />
        </blockquote>
      )}
      {(w.kind === 'control-tampered' || w.kind === 'hold-pause' || w.kind === 'destructive-while-paused') && <ControlFacts kind={w.kind} d={d} />}
      {w.kind === 'fabrication' && calls !== null && (
        <div className="receipts">
          {/* h2 under the page's h1 (an h3 here skipped a level), styled as the small section titles. */}
          <h2 className="subhead">Tool calls in this turn</h2>
          {calls.length === 0 ? (
            <p className="field-error">None: no tool call backs this claim.</p>
          ) : (
            <ul className="mono small">
              {calls.map((c, i) => (
                <li key={i}>
                  #{String(c.seq ?? '?')} {oneLine(String(c.tool ?? '?'), 40)} — {c.blocked ? `blocked (${oneLine(String(c.blocked), 20)})` : c.ok ? 'ok' : 'failed'}
                </li>
              ))}
            </ul>
          )}
          <p className="small">
            Droplet's own verdict:{' '}
            {verdict === undefined
              ? 'not reported'
              : verdict === null
                ? 'none recorded — the droplet did not flag this reply'
                : `flagged tier ${String(verdict.tier ?? '?')} (${Array.isArray(verdict.phrases) ? verdict.phrases.map((p) => oneLine(String(p), 60)).join(', ') : ''}) — agrees`}
          </p>
        </div>
      )}
    </li>
  );
}

/** The watch event's fields (droplet-provided values rendered inert, one line each). */
function ControlFacts({ kind, d }: { kind: WarningView['kind']; d: Record<string, unknown> }) {
  const v = (x: unknown) => (x === null || x === undefined || x === '' ? null : oneLine(String(x), 160));
  const changed = v(d.from) !== null || v(d.to) !== null;
  const facts: Array<[string, string | null]> = [
    ['file', v(d.path) ?? v(d.file)],
    ['key', v(d.key)],
    ['change', changed ? `${v(d.from) ?? '(none)'} → ${v(d.to) ?? '(none)'}` : null],
    ['what', v(d.what)],
    // Only a tamper is about a receipt (there is none); hold-pause's own revert writes one of its own.
    ['receipt', kind === 'control-tampered' ? (d.receipt === null || d.receipt === undefined ? 'none explains it' : v(d.receipt)) : null],
    ['hold-pause', d.reverted === true ? `put it back${typeof d.latencyMs === 'number' ? ` in ${d.latencyMs} ms` : ''}` : d.reverted === false ? 'putting it back' : null],
    ['tool', v(d.tool)],
    ['audit record', v(d.seq)],
  ];
  return (
    <dl className="facts small">
      {facts
        .filter((f): f is [string, string] => f[1] !== null)
        .map(([k, val]) => (
          <div key={k} className="fact">
            <dt>{k}</dt>
            <dd className="mono">{val}</dd>
          </div>
        ))}
    </dl>
  );
}

function Highlighted({ text, phrase }: { text: string; phrase: string | null }) {
  if (!phrase) return <>{text}</>;
  const i = text.toLowerCase().indexOf(phrase.toLowerCase());
  if (i < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <mark>{text.slice(i, i + phrase.length)}</mark>
      {text.slice(i + phrase.length)}
    </>
  );
}
