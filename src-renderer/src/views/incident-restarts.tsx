/** Each restart in the trip's window: when, the exit code of the run that ended, and the last lines that run logged. */
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { clock } from '../components/time.js';
import { legible } from '../text/inert.js';

type Restart = ResultOf<'incident'>['restarts'][number];

export function IncidentRestarts({ restarts }: { restarts: Restart[] }) {
  return (
    <section className="panel" aria-label="Restarts">
      <h2>Restarts ({restarts.length})</h2>
      {restarts.length === 0 ? (
        <p className="muted">Docker reported no restart in the window.</p>
      ) : (
        <ol className="restarts">
          {restarts.map((r, i) => (
            <li key={`${r.at}-${i}`} aria-label={`Restart ${i + 1}`}>
              <p>
                Started again {clock(r.at)} · exit code <strong data-testid="exit-code">{r.exitCode === null ? 'unknown' : r.exitCode}</strong>
                {r.diedAt ? ` (died ${clock(r.diedAt)})` : ''}
              </p>
              {r.logs.length === 0 ? (
                <p className="small muted">It logged nothing before it died.</p>
              ) : (
                <figure className="text-block" aria-label={`Last lines before restart ${i + 1}`}>
                  <pre className="value log-lines" tabIndex={0}>
                    {r.logs.map((l, j) => (
                      <span key={j} className={l.stream === 'stderr' ? 'log-err' : undefined}>
                        {l.stream === 'stderr' ? 'err ' : 'out '}
                        {legible(l.text)}
                        {'\n'}
                      </span>
                    ))}
                  </pre>
                </figure>
              )}
              {r.logsTruncated && <p className="small muted">Earlier lines left out.</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
