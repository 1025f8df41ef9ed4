/**
 * The operator's levers: the kill switch (Pause is one click, Resume asks
 * first), hold-pause, who the agent trusts per channel, and the restart
 * breaker (and the incident behind a trip). The switch, hold-pause and the breaker's state come from the
 * core's pushed state; trust lists and the breaker's details from the last
 * `status` call, marked with when it was read.
 */
import { useState } from 'react';
import type { DropletStateView, Envelope } from '../../../src-main/ipc/api.js';
import { RearmDialog } from '../components/next-step-dialogs.js';
import { ReadAge } from '../components/switch-state.js';
import { ago, clock, useNow } from '../components/time.js';
import { describe, settled, type Details } from '../state/app-store.js';
import { useAppState, useStore } from '../state/hooks.js';
import { switchView } from '../state/switch-view.js';
import { HoldPausePanel } from './hold-pause.js';
import { SwitchPanel } from './switch-panel.js';

export { PauseButton } from './switch-panel.js';

type TrustChannel = 'discord' | 'telegram' | 'email' | 'sms';
const CHANNELS: Array<{ id: TrustChannel; label: string; example: string }> = [
  { id: 'discord', label: 'Discord', example: '234567890123456789' },
  { id: 'telegram', label: 'Telegram', example: '987654321' },
  { id: 'email', label: 'Email', example: 'ops@example.com' },
  { id: 'sms', label: 'SMS', example: '+14155550100' },
];

export function Controls({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const now = useNow(5000);
  const details = s.details[name];
  const st = details?.status ?? null;
  const sw = switchView(s.droplets[name]);
  const [confirm, setConfirm] = useState<'rearm' | null>(null);

  const rearm = async () => {
    setConfirm(null);
    await app.rearm(name);
  };

  return (
    <section className="page" aria-label="Controls">
      <h1>Controls · {name}</h1>
      <SwitchPanel name={name} />
      <HoldPausePanel name={name} />
      {!st || !details ? (
        <p className="empty">{details?.statusError ?? 'Reading the droplet…'}</p>
      ) : (
        <>
          <div className={`panel${sw.stale ? ' stale' : ''}`}>
            <h2>Trusted senders</h2>
            <p className="muted small">
              Only these may drive destructive tools. Changes are written to the .env file and read back; the agent applies them on its next call.{' '}
              <ReadAge at={new Date(details.at).toISOString()} testId="trust-read-age" />
            </p>
            <div className="trust-grid">
              {CHANNELS.map((c) => (
                <TrustColumn
                  key={c.id}
                  name={name}
                  channel={c.id}
                  label={c.label}
                  example={c.example}
                  owner={c.id === 'discord' ? st.trust.discord.owner : null}
                  ids={c.id === 'discord' ? st.trust.discord.trusted : st.trust[c.id]}
                />
              ))}
            </div>
          </div>
          <BreakerPanel
            breaker={s.droplets[name]?.breaker ?? null}
            stale={sw.stale !== null}
            checkedAt={sw.checkedAt}
            details={st.breaker}
            now={now}
            onRearm={() => setConfirm('rearm')}
            onIncident={app.platform.has('incident') ? () => app.openIncident(name) : null}
          />
        </>
      )}

      {confirm === 'rearm' && st && (
        <RearmDialog name={name} reason={st.breaker.reason} onConfirm={() => app.background(rearm(), `Re-arming the breaker on ${name}`)} onCancel={() => setConfirm(null)} />
      )}
    </section>
  );
}

type BreakerDetails = NonNullable<Details['status']>['breaker'];

/**
 * The breaker: its state as pushed (greyed as "last read" while the link is
 * not current); the reason, time and restarts from the last status call,
 * shown only while that call agrees with the pushed state.
 */
function BreakerPanel(props: {
  breaker: DropletStateView['breaker'];
  stale: boolean;
  checkedAt: string | null;
  details: BreakerDetails;
  now: number;
  onRearm(): void;
  /** Opens the incident (why it tripped, the change, the rollback); null when the host has no incident channel. */
  onIncident: (() => void) | null;
}) {
  const { breaker, stale, details, now } = props;
  const b = details.state === breaker ? details : null;
  return (
    <div className={`panel${stale ? ' stale' : ''}`}>
      <h2>Restart breaker</h2>
      <p>
        {breaker === null ? (
          <span className="badge b-unknown">not read yet</span>
        ) : stale ? (
          <span className="badge b-stale">last read: {breaker}</span>
        ) : breaker === 'tripped' ? (
          <>
            <span className="badge b-failed">tripped</span> {b ? `${clock(b.trippedAt)} by ${b.by ?? 'unknown'}: ${b.reason ?? 'no reason recorded'}.` : ''} The improvement loop stays off until
            re-armed.
          </>
        ) : breaker === 'armed' ? (
          <>
            <span className="badge b-ok">armed</span> four restarts within 60 minutes trip it. {b?.rearmedAt ? `Last re-armed ${ago(b.rearmedAt, now)}.` : ''}
          </>
        ) : (
          <>
            <span className="badge b-failed">unreadable</span> breaker.json could not be read.
          </>
        )}{' '}
        <ReadAge at={props.checkedAt} />
      </p>
      <RestartTimeline restarts={b?.restarts ?? []} now={now} />
      <div className="row">
        {props.onIncident && (
          <button type="button" className={breaker === 'tripped' && !stale ? 'primary' : ''} onClick={props.onIncident}>
            Why did it trip? Open the incident
          </button>
        )}
        <button type="button" className={breaker === 'tripped' && !stale && !props.onIncident ? 'primary' : ''} disabled={breaker !== 'tripped' || stale} onClick={props.onRearm}>
          Re-arm breaker…
        </button>
      </div>
    </div>
  );
}

function TrustColumn({ name, channel, label, example, owner, ids }: { name: string; channel: TrustChannel; label: string; example: string; owner: string | null; ids: string[] }) {
  const app = useStore();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = async (op: 'add' | 'revoke', id: string) => {
    setBusy(true);
    const env: Envelope<unknown> = await settled(op === 'add' ? app.api.trustAdd({ name, channel, id }) : app.api.trustRevoke({ name, channel, id }));
    setBusy(false);
    if (env.error) {
      if (op === 'add') setError(`${env.error.message}${env.error.hint ? ` ${env.error.hint}` : ''}`);
      else app.toast(describe(env.error, 'Revoke'), 'error');
      return;
    }
    setError(null);
    if (op === 'add') setValue('');
    app.toast(op === 'add' ? `Trusted ${id} on ${label}.` : `Revoked ${id} on ${label}.`);
    await app.refresh(name);
  };
  const errId = `trust-err-${channel}`;
  return (
    <div className="trust-col">
      <h3>{label}</h3>
      <ul>
        {owner && (
          <li>
            <span className="mono">{owner}</span> <span className="badge">owner</span>
          </li>
        )}
        {ids.map((id) => (
          <li key={id}>
            <span className="mono">{id}</span>
            <button
              type="button"
              className="link danger-text"
              disabled={busy}
              onClick={() => app.background(edit('revoke', id), `Revoking ${id} on ${label}`)}
              aria-label={`Revoke ${id} from ${label}`}
            >
              Revoke
            </button>
          </li>
        ))}
        {!owner && ids.length === 0 && <li className="muted">nobody</li>}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!value.trim()) return setError(`Type an id first, e.g. ${example}.`);
          app.background(edit('add', value.trim()), `Trusting ${value.trim()} on ${label}`);
        }}
      >
        <input
          aria-label={`Add a trusted ${label} sender`}
          placeholder={`e.g. ${example}`}
          value={value}
          onChange={(e) => (setValue(e.target.value), setError(null))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errId : undefined}
        />
        <button type="submit" disabled={busy} aria-label={`Add to ${label}`}>
          Add
        </button>
      </form>
      {error && (
        <p id={errId} role="alert" className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The restarts the breaker counts, on the last 60 minutes. */
function RestartTimeline({ restarts, now }: { restarts: string[]; now: number }) {
  const start = now - 60 * 60_000;
  const marks = restarts.map((r) => Date.parse(r)).filter((t) => Number.isFinite(t));
  return (
    <figure className="timeline" aria-label={`Restart timeline: ${restarts.length} restart(s) counted`}>
      <div className="timeline-bar">
        {marks
          .filter((t) => t >= start)
          .map((t, i) => (
            <span key={i} className="tick" style={{ left: `${((t - start) / 3_600_000) * 100}%` }} title={new Date(t).toISOString()} />
          ))}
      </div>
      <div className="row small muted">
        <span>60 min ago</span>
        <span className="spacer" />
        <span>now</span>
      </div>
      {restarts.length > 0 && (
        <ol className="small mono">
          {restarts.map((r, i) => (
            <li key={i}>{clock(r)}</li>
          ))}
        </ol>
      )}
    </figure>
  );
}
