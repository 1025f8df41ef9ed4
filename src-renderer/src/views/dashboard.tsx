/**
 * Every droplet at a glance. Each problem is listed with the one action that
 * fixes it, so the operator never has to hunt for the right view.
 *
 * Two groups of values, each marked with when it was read: the switch,
 * loop, breaker and hold-pause from the core's pushed state (so a flag the
 * control-plane watch saw change is here at once), and the health details
 * from the last `status`/vault/sandbox/backups calls. While the link is not
 * connected both are greyed under a mark saying since when and how old.
 */
import type { DropletStateView, ProfileView, WarningView } from '../../../src-main/ipc/api.js';
import type { Details, ViewName } from '../state/app-store.js';
import { controlAlerts, KIND_LABEL } from '../state/control-alerts.js';
import { useAppState, useStore } from '../state/hooks.js';
import { holdWord, loopWord, switchView } from '../state/switch-view.js';
import { ReadAge, StaleMark, SwitchBadge } from '../components/switch-state.js';
import { ago, useNow } from '../components/time.js';
import { legible, oneLine } from '../text/inert.js';
import { clause, type ConnectError, type QueuedPause } from '../state/link-down.js';

interface Problem {
  severity: 'critical' | 'warning';
  text: string;
  fix?: { label: string; run(): void };
  /** A second way in (a trip: its incident, beside Review and re-arm). */
  also?: { label: string; run(): void };
}

export function Dashboard() {
  const s = useAppState();
  if (s.profiles.length === 0) {
    return (
      <section className="page" aria-label="Dashboard">
        <h1>Droplets</h1>
        <p className="empty">No droplet is set up yet. Add one under Settings (host, SSH user and key); its host key is shown for you to confirm before anything is sent.</p>
      </section>
    );
  }
  return (
    <section className="page" aria-label="Dashboard">
      <h1>Droplets</h1>
      <div className="cards">
        {s.profiles.map((p) => (
          <DropletCard
            key={p.name}
            profile={p}
            drop={s.droplets[p.name]}
            details={s.details[p.name]}
            alerts={controlAlerts(s.warnings, s.dismissed, p.name).map((a) => a.warning)}
            connectError={s.connectErrors[p.name] ?? null}
            queued={s.pauseQueue[p.name] ?? null}
          />
        ))}
      </div>
    </section>
  );
}

interface CardProps {
  profile: ProfileView;
  drop: DropletStateView | undefined;
  details: Details | undefined;
  alerts: WarningView[];
  /** A failed connect's message and fix: stays until a connection succeeds. */
  connectError: ConnectError | null;
  /** A Pause pressed while the link was down (queued, applied or failed). */
  queued: QueuedPause | null;
}

function DropletCard({ profile, drop, details, alerts, connectError, queued }: CardProps) {
  const app = useStore();
  const now = useNow();
  const go = (view: ViewName) => app.set({ selected: profile.name, view });
  const link = drop?.link ?? { state: 'idle' as const };
  const st = details?.status ?? null;
  const sw = switchView(drop);
  // The breaker's state is the pushed one; the call's details (reason, restarts) only while they agree with it.
  const breaker = drop?.breaker ?? null;
  const bd = st && st.breaker.state === breaker ? st.breaker : null;
  const problems: Problem[] = [];
  const markId = `stale-${profile.name}`;
  const retry = { label: 'Retry', run: () => app.background(app.connect(profile.name), `Connecting to ${profile.name}`) };

  let linkText: string;
  switch (link.state) {
    case 'connected':
      linkText = `Connected ${ago(link.since, now)}`;
      break;
    case 'reconnecting': {
      const left = Math.max(0, Math.ceil((Date.parse(link.at) - now) / 1000));
      linkText = `Reconnecting in ${left}s (attempt ${link.attempt})`;
      problems.push({
        severity: 'warning',
        text: `Link lost: ${clause(link.reason)}. Retrying in ${left}s${drop?.downSince ? `; down ${ago(drop.downSince, now)}` : ''}.`,
        fix: { label: 'Reconnect now', run: () => app.background(app.connect(profile.name), `Connecting to ${profile.name}`) },
      });
      break;
    }
    case 'connecting':
      linkText = `Connecting (attempt ${link.attempt})…`;
      break;
    case 'failed':
      linkText = 'Not connected';
      problems.push({
        severity: 'critical',
        // The connect call's message carries the fix too; the link's reason alone does not.
        text: `${link.hostKeyRefused ? 'Host key refused' : 'Connection failed'}: ${connectError?.text ?? link.reason}`,
        ...(link.hostKeyRefused ? { fix: { label: 'Open settings', run: () => go('settings') } } : { fix: retry }),
      });
      break;
    default:
      linkText = 'Not connected';
      // A connect refused before any link existed (a changed host key, the port closed) keeps its reason here until one succeeds.
      if (connectError)
        problems.push({ severity: 'critical', text: `Not connected: ${connectError.text}`, fix: connectError.hostKeyRefused ? { label: 'Open settings', run: () => go('settings') } : retry });
      else problems.push({ severity: 'warning', text: 'Not connected.', fix: { label: 'Connect', run: retry.run } });
  }

  for (const w of alerts.slice(0, 3)) {
    problems.push({ severity: 'critical', text: `${KIND_LABEL[w.kind] ?? w.kind}: ${oneLine(w.message, 240)}`, fix: { label: 'Review warnings', run: () => go('warnings') } });
  }
  if (!sw.stale && sw.unknown && sw.unknown.reason !== 'not-read' && sw.unknown.reason !== 'link-down') {
    problems.push({ severity: 'critical', text: `The switch is unknown: ${legible(sw.unknown.detail)} Fix: ${legible(sw.unknown.fix)}`, fix: { label: 'Open controls', run: () => go('controls') } });
  }
  if (sw.selfModify === 'paused') problems.push({ severity: 'warning', text: 'Destructive tools are paused.', fix: { label: 'Resume…', run: () => go('controls') } });
  if (!sw.stale) {
    if (breaker === 'tripped')
      problems.push({
        severity: 'critical',
        text: `Breaker tripped${bd ? ` ${ago(bd.trippedAt, now)}: ${bd.reason ?? 'no reason recorded'}` : ''}. The improvement loop is off.`,
        fix: { label: 'Review and re-arm', run: () => go('controls') },
        ...(app.platform.has('incident') ? { also: { label: 'Why? Open the incident', run: () => app.openIncident(profile.name) } } : {}),
      });
    if (breaker === 'unreadable') problems.push({ severity: 'critical', text: 'breaker.json is unreadable.', fix: { label: 'Open controls', run: () => go('controls') } });
  }
  if (st) {
    if (st.agent && st.agent.state !== 'running') problems.push({ severity: 'critical', text: `Agent container ${st.agent.name} is ${st.agent.state}.` });
    if (!st.agent && st.agentError) problems.push({ severity: 'warning', text: `Agent unknown: ${st.agentError}` });
  }
  // While the link is down its own problem above says why; the details' "not connected" would only repeat it.
  if (details?.statusError && !details.down)
    problems.push({ severity: 'warning', text: details.statusError, fix: { label: 'Retry', run: () => app.background(app.refresh(profile.name), `Reading the details of ${profile.name}`) } });
  if (drop && drop.fabrications > 0)
    problems.push({ severity: 'critical', text: `${drop.fabrications} reply claim(s) with no tool call behind them.`, fix: { label: 'Review warnings', run: () => go('warnings') } });
  const v = details?.vault;
  if (v?.primary.rotationDue)
    problems.push({
      severity: 'warning',
      text: `Vault key ${v.primary.id} is ${Math.floor(v.primary.ageDays)} days old; rotation was due ${v.primary.rotationDueAt.slice(0, 10)}.`,
      fix: { label: 'Rotate key…', run: () => go('vault') },
    });
  if (v && !v.keyringModeOk) problems.push({ severity: 'critical', text: `vault.keys has mode ${v.keyringMode}, not 0600.`, fix: { label: 'Open vault', run: () => go('vault') } });
  const sb = details?.sandbox;
  if (sb && sb.violations.length > 0)
    problems.push({ severity: 'critical', text: `${sb.violations.length} sandbox policy violation(s).`, fix: { label: 'Inspect sandbox', run: () => go('sandbox') } });

  const bk = details?.backups;
  if (bk && !bk.health.ok) problems.push({ severity: 'warning', text: `Backups: ${bk.health.problems[0] ?? 'not healthy'}`, fix: { label: 'Open data', run: () => go('data') } });
  if (details?.backupsError && !details.down) problems.push({ severity: 'warning', text: `Backups: ${details.backupsError}`, fix: { label: 'Open data', run: () => go('data') } });
  const tone = problems.some((p) => p.severity === 'critical') ? 'critical' : problems.length ? 'warning' : 'ok';
  return (
    <article className={`card tone-${tone}`} aria-label={`Droplet ${profile.name}`}>
      <header className="row">
        <span className={`dot dot-${link.state}`} aria-hidden="true" />
        <h2>{profile.name}</h2>
        <span className="muted small">{profile.transport === 'local' ? 'this machine' : `${profile.user}@${profile.host}:${profile.port}`}</span>
        <span className="spacer" />
        <span className="small" data-testid="link-state">
          {linkText}
        </span>
      </header>
      <QueuedPauseNote q={queued} allowedNow={!sw.stale && sw.selfModify === 'allowed'} now={now} />
      <StaleMark v={sw} id={markId} />
      <div className={sw.stale ? 'values stale' : 'values'}>
        <dl className="facts grid2" aria-label={`Switch of ${profile.name}`} aria-describedby={sw.stale ? markId : undefined}>
          <dt>Destructive tools</dt>
          <dd>
            {sw.stale && sw.last && sw.last.selfModify !== 'unknown' ? (
              <span className="badge b-stale" data-testid="switch-state">
                last read: {sw.last.selfModify}
              </span>
            ) : (
              <SwitchBadge v={sw} testId="switch-state" />
            )}
          </dd>
          <dt>Improvement loop</dt>
          <dd>{sw.stale ? (sw.last ? `last read: ${loopWord(sw.last.eternalLoop)}` : '—') : sw.last ? loopWord(sw.eternalLoop) : '—'}</dd>
          <dt>Breaker</dt>
          <dd>{breaker ? `${sw.stale ? 'last read: ' : ''}${breaker}${bd?.restarts.length ? ` · ${bd.restarts.length} restart(s) counted` : ''}` : '—'}</dd>
          <dt>Hold-pause</dt>
          <dd data-testid="hold-state">{drop ? holdWord(drop.hold) : '—'}</dd>
          <dt>Switch read</dt>
          <dd>
            <ReadAge at={sw.checkedAt} testId="switch-read" />
          </dd>
        </dl>
        <dl className="facts grid2" aria-label={`Health of ${profile.name}`} aria-describedby={sw.stale ? markId : undefined}>
          <dt>Agent</dt>
          <dd>
            {st?.agent ? `${st.agent.name}: ${st.agent.state}${st.agent.health ? ` (${st.agent.health})` : ''} · ${st.agent.restartsLastHour} restart(s) in the last hour` : st ? 'unknown' : '—'}
          </dd>
          {v && (
            <>
              <dt>Vault key</dt>
              <dd>
                {v.primary.id}, {Math.floor(v.primary.ageDays)} days old · rotation {v.primary.rotationDue ? 'due now' : `due ${v.primary.rotationDueAt.slice(0, 10)}`}
              </dd>
            </>
          )}
          {details?.vaultError && !v && !details.down && (
            <>
              <dt>Vault</dt>
              <dd className="muted">{details.vaultError}</dd>
            </>
          )}
          {sb && (
            <>
              <dt>Sandbox</dt>
              <dd>{sb.violations.length === 0 ? `compliant (${sb.checked} container(s) checked)` : `${sb.violations.length} violation(s)`}</dd>
            </>
          )}
          {bk && (
            <>
              <dt>Backups</dt>
              <dd>
                {bk.health.ok ? 'healthy' : 'needs attention'} · {bk.health.count} file(s){bk.health.latest ? `, newest ${Math.round(bk.health.latest.ageHours)} h old` : ''}
              </dd>
            </>
          )}
          {link.state === 'connected' && (
            <>
              <dt>Host key</dt>
              <dd className="mono small">{link.hostKey}</dd>
            </>
          )}
          {details && (st || v || sb || bk) && (
            <>
              <dt>Health read</dt>
              <dd>
                <ReadAge at={new Date(details.at).toISOString()} testId="health-read" />
              </dd>
            </>
          )}
        </dl>
      </div>
      {problems.length > 0 ? (
        <ul className="problems" aria-label={`Problems on ${profile.name}`}>
          {problems.map((p, i) => (
            <li key={i} className={`problem p-${p.severity}`}>
              <span>{p.text}</span>
              {p.fix && (
                <button type="button" onClick={p.fix.run} aria-label={`${p.fix.label} (${profile.name})`}>
                  {p.fix.label}
                </button>
              )}
              {p.also && (
                <button type="button" onClick={p.also.run} aria-label={`${p.also.label} (${profile.name})`}>
                  {p.also.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        st && !sw.stale && <p className="allgood">All checks pass.</p>
      )}
    </article>
  );
}

/**
 * A Pause pressed while the link was down: "will be applied on reconnect",
 * then that it was (or why not). The applied note is a past action with its
 * time; it is hidden once the switch reads allowed again, so it never sits
 * beside a header that says otherwise.
 */
function QueuedPauseNote({ q, allowedNow, now }: { q: QueuedPause | null; allowedNow: boolean; now: number }) {
  if (!q || (q.phase === 'applied' && allowedNow)) return null;
  const text =
    q.phase === 'queued'
      ? `Pause pressed ${ago(q.at, now)} while the link is down: it will be applied on reconnect, before anything else.`
      : q.phase === 'applied'
        ? `Pause applied on reconnect ${ago(q.at, now)}: ${q.message}`
        : `${q.message}${q.hint ? ` ${q.hint}` : ''}`;
  return (
    <p className={q.phase === 'failed' ? 'problem p-critical' : q.phase === 'queued' ? 'problem p-warning' : 'small'} role="status" data-testid="pause-queue" data-phase={q.phase}>
      {text}
    </p>
  );
}
