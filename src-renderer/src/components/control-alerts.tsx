/**
 * Alerts above every view for the signs that the off switch was undermined
 * (see state/control-alerts.ts). A live region announces a new one without
 * moving focus; each has Review (the Warnings view) and Dismiss.
 */
import { controlAlerts, KIND_LABEL, type ControlAlert } from '../state/control-alerts.js';
import { useAppState, useStore } from '../state/hooks.js';
import { oneLine } from '../text/inert.js';
import { clock } from './time.js';

const SHOWN = 4;

export function ControlAlertsBanner() {
  const s = useAppState();
  const alerts = controlAlerts(s.warnings, s.dismissed);
  // The live region stays mounted (empty, unlabelled) so the first alert added to it is announced;
  // additions only, so a new alert does not make the reader repeat the older ones.
  return (
    <section className="alerts" aria-label={alerts.length ? 'Control-plane alerts' : undefined}>
      <ul className="alerts-list" aria-live="assertive" aria-relevant="additions">
        {alerts.slice(0, SHOWN).map((a) => (
          <AlertItem key={a.warning.id} a={a} />
        ))}
      </ul>
      {alerts.length > SHOWN && <p className="small">{alerts.length - SHOWN} more under Warnings.</p>}
    </section>
  );
}

function AlertItem({ a }: { a: ControlAlert }) {
  const app = useStore();
  const w = a.warning;
  const label = KIND_LABEL[w.kind] ?? w.kind;
  const f = a.followUp;
  return (
    <li className="alert-item" data-kind={w.kind} aria-label={`${label} on ${w.name}`}>
      <div className="grow">
        <strong>
          {label} on {w.name}
        </strong>{' '}
        <span className="muted small">{clock(w.at)}</span>
        <div>{oneLine(w.message, 400)}</div>
        {w.kind === 'control-tampered' && w.detail.reverted === false && (
          <div className={f?.severity === 'info' ? 'ok-text' : 'small'} data-testid="alert-follow-up">
            {f ? oneLine(f.message, 300) : 'Hold-pause is putting the pause back…'}
          </div>
        )}
      </div>
      <button type="button" onClick={() => app.set({ selected: w.name, view: 'warnings' })} aria-label={`Review warnings on ${w.name}`}>
        Review
      </button>
      <button type="button" onClick={() => app.dismissAlert(w.id)} aria-label={`Dismiss alert: ${label} on ${w.name} at ${clock(w.at)}`}>
        Dismiss
      </button>
    </li>
  );
}
