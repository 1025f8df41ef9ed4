/** The self-modifications before the cascade, newest first: what changed, in which turn, what the agent said, and its snapshot. */
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { ClippedText } from '../components/clipped-text.js';
import { clock } from '../components/time.js';
import { useStore } from '../state/hooks.js';
import { oneLine } from '../text/inert.js';

type Change = ResultOf<'incident'>['changes'][number];

export function IncidentChanges({ name, changes, onRollback }: { name: string; changes: Change[]; onRollback: ((snapshot: string) => void) | null }) {
  const app = useStore();
  return (
    <section className="panel" aria-label="Changes before the restarts">
      <h2>Changes before the restarts</h2>
      {changes.length === 0 ? (
        <p className="muted">No self_modify_code call in the audit log before the first restart.</p>
      ) : (
        <ol className="changes" reversed>
          {[...changes].reverse().map((c) => (
            <li key={c.seq} className="change" aria-label={`Change ${c.seq}`}>
              <p>
                <strong>#{c.seq}</strong> {clock(c.ts)} · turn <span className="mono">{oneLine(c.turn ?? 'unknown', 80)}</span>
                {c.label ? (
                  <>
                    {' '}
                    · <span className="mono">{oneLine(c.label, 80)}</span>
                  </>
                ) : null}{' '}
                {c.ok ? <span className="badge b-ok">applied</span> : <span className="badge b-failed">failed</span>}
              </p>
              {c.reason && <p className="small">Reason: {oneLine(c.reason, 400)}</p>}
              {c.files.length > 0 && <p className="small mono">Files: {c.files.map((f) => oneLine(f, 120)).join(', ')}</p>}
              <p className="small">
                Snapshot:{' '}
                {c.snapshot ? (
                  <>
                    <span className="mono">{oneLine(c.snapshot, 160)}</span> {c.snapshotFound ? '' : <span className="badge b-failed">not found on the droplet</span>}
                  </>
                ) : (
                  'none named'
                )}
              </p>
              <div className="reply">
                <span className="small muted">The agent's reply in that turn:</span>
                {c.reply !== null ? <ClippedText text={c.reply} label={`Reply in turn ${c.turn ?? c.seq}`} /> : <p className="small muted">{oneLine(c.replyNote ?? 'not available', 300)}</p>}
              </div>
              {c.snapshot && c.snapshotFound && (
                <div className="row">
                  <button type="button" onClick={() => app.openDiff(name, c.snapshot!)} aria-label={`Diff of change ${c.seq} (snapshot ${c.snapshot})`}>
                    Diff
                  </button>
                  {onRollback && (
                    <button type="button" onClick={() => onRollback(c.snapshot!)} aria-label={`Roll back to this: ${c.snapshot}`}>
                      Roll back to this…
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
