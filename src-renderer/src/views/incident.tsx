/**
 * The incident: why the breaker tripped, and the way back. The trip, the
 * suggested snapshot (the code before the last change that preceded the
 * cascade) with its diff and a rollback, the self-modifications before the
 * first restart (snapshot, turn, the agent's reply), and each restart with
 * its exit code and the last lines it logged. Opened from the breaker card,
 * the Controls view and the trip notification. Everything shown comes from
 * the droplet and is rendered as inert text.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { clock } from '../components/time.js';
import { describe, settled } from '../state/app-store.js';
import { useAppState, useStore } from '../state/hooks.js';
import { oneLine } from '../text/inert.js';
import { IncidentChanges } from './incident-changes.js';
import { IncidentRestarts } from './incident-restarts.js';
import { RollbackFlow } from './rollback-flow.js';

export function Incident({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const [inc, setInc] = useState<ResultOf<'incident'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  /** The snapshot a rollback was asked for (its flow stays on screen with the result until closed). */
  const [rollbackTo, setRollbackTo] = useState<{ snapshot: string; n: number } | null>(null);
  const canRollback = app.platform.has('rollback');

  const load = useCallback(async () => {
    setLoading(true);
    const r = await settled(app.api.incident({ name }));
    setLoading(false);
    if (r.error) {
      setError(describe(r.error, 'Gathering the incident'));
      return;
    }
    setError(null);
    setInc(r.result);
  }, [app, name]);
  useEffect(() => app.background(load(), `Gathering the incident on ${name}`), [app, load, name]);

  const startRollback = (snapshot: string) => setRollbackTo((r) => ({ snapshot, n: (r?.n ?? 0) + 1 }));
  const breaker = s.droplets[name]?.breaker ?? null;
  return (
    <section className="page" aria-label="Incident">
      <div className="page-head row">
        <h1>Incident · {name}</h1>
        <span className="spacer" />
        <button type="button" onClick={() => app.background(load(), `Gathering the incident on ${name}`)} disabled={loading}>
          {loading ? 'Gathering…' : 'Gather again'}
        </button>
      </div>
      {rollbackTo && <RollbackFlow key={rollbackTo.n} name={name} snapshot={rollbackTo.snapshot} onUndo={startRollback} onClose={() => setRollbackTo(null)} />}
      {error && (
        <p className="problem p-critical" role="alert">
          {oneLine(error, 600)}
        </p>
      )}
      {!inc ? (
        !error && <p className="muted">Gathering the restarts, their logs and the changes before them…</p>
      ) : (
        <>
          <section className="panel" aria-label="The trip">
            <h2>The trip</h2>
            <p>
              {inc.stillTripped ? <span className="badge b-failed">breaker still tripped</span> : <span className="badge b-ok">re-armed since</span>} Tripped {clock(inc.trippedAt)} by{' '}
              {inc.by ?? 'unknown'}: {oneLine(inc.reason ?? 'no reason recorded', 300)}. Container <span className="mono">{oneLine(inc.container, 120)}</span>
              {breaker && breaker !== (inc.stillTripped ? 'tripped' : 'armed') ? ` (the breaker now reads ${breaker})` : ''}.
            </p>
            {inc.source === 'receipt' && <p className="small muted">From the last trip receipt: the breaker was re-armed after it.</p>}
          </section>
          <section className="panel" aria-label="Suggested fix">
            <h2>Suggested fix</h2>
            {inc.suggestion ? (
              <>
                <p data-testid="incident-suggestion">
                  Roll back to <strong className="mono">{inc.suggestion.snapshot}</strong>, the code before change #{inc.suggestion.seq}. {oneLine(inc.suggestion.why, 400)}
                </p>
                <div className="row">
                  <button type="button" onClick={() => app.openDiff(name, inc.suggestion!.snapshot)}>
                    See what that change did
                  </button>
                  {canRollback && (
                    <button type="button" className="primary" onClick={() => startRollback(inc.suggestion!.snapshot)}>
                      Roll back to {inc.suggestion.snapshot}…
                    </button>
                  )}
                </div>
              </>
            ) : (
              <p className="muted">No self-modification with a snapshot came before the restarts, so there is nothing to suggest rolling back to.</p>
            )}
          </section>
          <IncidentChanges name={name} changes={inc.changes} onRollback={canRollback ? startRollback : null} />
          <IncidentRestarts restarts={inc.restarts} />
          {inc.warnings.length > 0 && (
            <section className="panel" aria-label="Could not gather">
              <h2>Could not gather</h2>
              <ul className="problems">
                {inc.warnings.map((w, i) => (
                  <li key={i} className="problem p-warning">
                    <span>{oneLine(w, 400)}</span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
}
