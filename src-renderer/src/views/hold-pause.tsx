/**
 * Hold-pause for one droplet: a switch that calls `holdPauseSet`, and what
 * it is doing now. The checked state is the core's pushed one, never a copy
 * kept here: while the call runs the switch is only disabled.
 */
import { useState } from 'react';
import { useAppState, useStore } from '../state/hooks.js';
import { holdWord } from '../state/switch-view.js';

export function HoldPausePanel({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const drop = s.droplets[name];
  const hold = drop?.hold ?? null;
  const [busy, setBusy] = useState(false);
  // Not `disabled` while busy: disabling the focused control would drop keyboard focus to the page.
  const toggle = async (on: boolean) => {
    if (busy) return;
    setBusy(true);
    try {
      await app.setHoldPause(name, on);
    } finally {
      setBusy(false);
    }
  };
  const descId = `hold-desc-${name}`;
  return (
    <section className="panel" aria-labelledby="hold-h">
      <h2 id="hold-h">Hold the pause</h2>
      <p id={descId} className="small">
        While {name} is paused from this app, anything that turns destructive tools back on without an operator receipt is undone within a second, with an alert and a receipt of its own.
      </p>
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={hold?.enabled ?? false}
            disabled={!hold}
            aria-busy={busy}
            aria-describedby={descId}
            onChange={(e) => app.background(toggle(e.target.checked), `Turning hold-pause ${e.target.checked ? 'on' : 'off'} for ${name}`)}
          />
          Hold the pause on {name}
        </label>
        <span className={`badge ${hold?.active ? 'b-ok' : ''}`} role="status" data-testid="controls-hold-state">
          {hold ? holdWord(hold) : 'not connected'}
        </span>
      </div>
    </section>
  );
}
