/**
 * Every droplet at a glance. Each problem is listed with the one action that
 * fixes it, so the operator never has to hunt for the right view.
 */
import type { DropletStateView, ProfileView } from '../../../src-main/ipc/api.js';
import type { Details, ViewName } from '../state/app-store.js';
import { useAppState, useStore } from '../state/hooks.js';
import { ago, useNow } from '../components/time.js';

interface Problem {
  severity: 'critical' | 'warning';
  text: string;
  fix?: { label: string; run(): void };
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
          <DropletCard key={p.name} profile={p} drop={s.droplets[p.name]} details={s.details[p.name]} />
        ))}
      </div>
    </section>
  );
}

function DropletCard({ profile, drop, details }: { profile: ProfileView; drop: DropletStateView | undefined; details: Details | undefined }) {
  const app = useStore();
  const now = useNow();
  const go = (view: ViewName) => app.set({ selected: profile.name, view });
  const link = drop?.link ?? { state: 'idle' as const };
  const st = details?.status ?? null;
  const problems: Problem[] = [];

  let linkText: string;
  switch (link.state) {
    case 'connected':
      linkText = `Connected ${ago(link.since, now)}`;
      break;
    case 'reconnecting': {
      const left = Math.max(0, Math.ceil((Date.parse(link.at) - now) / 1000));
      linkText = `Reconnecting in ${left}s (attempt ${link.attempt})`;
      problems.push({ severity: 'warning', text: `Link lost: ${link.reason}. Retrying in ${left}s${drop?.downSince ? `; down ${ago(drop.downSince, now)}` : ''}.`, fix: { label: 'Reconnect now', run: () => void app.connect(profile.name) } });
      break;
    }
    case 'connecting':
      linkText = `Connecting (attempt ${link.attempt})…`;
      break;
    case 'failed':
      linkText = 'Not connected';
      problems.push({
        severity: 'critical',
        text: link.hostKeyRefused ? `Host key refused: ${link.reason}` : `Connection failed: ${link.reason}`,
        ...(link.hostKeyRefused ? { fix: { label: 'Open settings', run: () => go('settings') } } : { fix: { label: 'Retry', run: () => void app.connect(profile.name) } }),
      });
      break;
    default:
      linkText = 'Not connected';
      problems.push({ severity: 'warning', text: 'Not connected.', fix: { label: 'Connect', run: () => void app.connect(profile.name) } });
  }

  if (st) {
    if (!st.flags.selfModifyAllowed) problems.push({ severity: 'warning', text: st.flags.envPresent ? 'Destructive tools are paused.' : 'Destructive tools are paused (no .env file).', fix: { label: 'Resume…', run: () => go('controls') } });
    if (st.breaker.state === 'tripped') problems.push({ severity: 'critical', text: `Breaker tripped ${ago(st.breaker.trippedAt, now)}: ${st.breaker.reason ?? 'no reason recorded'}. The improvement loop is off.`, fix: { label: 'Review and re-arm', run: () => go('controls') } });
    if (st.breaker.state === 'unreadable') problems.push({ severity: 'critical', text: 'breaker.json is unreadable.', fix: { label: 'Open controls', run: () => go('controls') } });
    if (st.agent && st.agent.state !== 'running') problems.push({ severity: 'critical', text: `Agent container ${st.agent.name} is ${st.agent.state}.` });
    if (!st.agent && st.agentError) problems.push({ severity: 'warning', text: `Agent unknown: ${st.agentError}` });
  }
  if (details?.statusError) problems.push({ severity: 'warning', text: details.statusError, fix: { label: 'Retry', run: () => void app.refresh(profile.name) } });
  if (drop && drop.fabrications > 0) problems.push({ severity: 'critical', text: `${drop.fabrications} reply claim(s) with no tool call behind them.`, fix: { label: 'Review warnings', run: () => go('warnings') } });
  const v = details?.vault;
  if (v?.primary.rotationDue) problems.push({ severity: 'warning', text: `Vault key ${v.primary.id} is ${Math.floor(v.primary.ageDays)} days old; rotation was due ${v.primary.rotationDueAt.slice(0, 10)}.`, fix: { label: 'Rotate key…', run: () => go('vault') } });
  if (v && !v.keyringModeOk) problems.push({ severity: 'critical', text: `vault.keys has mode ${v.keyringMode}, not 0600.`, fix: { label: 'Open vault', run: () => go('vault') } });
  const sb = details?.sandbox;
  if (sb && sb.violations.length > 0) problems.push({ severity: 'critical', text: `${sb.violations.length} sandbox policy violation(s).`, fix: { label: 'Inspect sandbox', run: () => go('sandbox') } });

  const bk = details?.backups;
  if (bk && !bk.health.ok) problems.push({ severity: 'warning', text: `Backups: ${bk.health.problems[0] ?? 'not healthy'}`, fix: { label: 'Open data', run: () => go('data') } });
  if (details?.backupsError) problems.push({ severity: 'warning', text: `Backups: ${details.backupsError}`, fix: { label: 'Open data', run: () => go('data') } });
  const tone = problems.some((p) => p.severity === 'critical') ? 'critical' : problems.length ? 'warning' : 'ok';
  return (
    <article className={`card tone-${tone}`} aria-label={`Droplet ${profile.name}`}>
      <header className="row">
        <span className={`dot dot-${link.state}`} aria-hidden="true" />
        <h2>{profile.name}</h2>
        <span className="muted small">
          {profile.transport === 'local' ? 'this machine' : `${profile.user}@${profile.host}:${profile.port}`}
        </span>
        <span className="spacer" />
        <span className="small" data-testid="link-state">{linkText}</span>
      </header>
      <dl className="facts grid2">
        <dt>Destructive tools</dt>
        <dd>{st ? (st.flags.selfModifyAllowed ? <span className="badge b-ok">allowed</span> : <span className="badge b-paused">paused</span>) : '—'}</dd>
        <dt>Improvement loop</dt>
        <dd>{st ? (st.flags.eternalLoop ? 'armed' : 'off') : '—'}</dd>
        <dt>Breaker</dt>
        <dd>{st ? `${st.breaker.state}${st.breaker.restarts.length ? ` · ${st.breaker.restarts.length} restart(s) counted` : ''}` : '—'}</dd>
        <dt>Agent</dt>
        <dd>{st?.agent ? `${st.agent.name}: ${st.agent.state}${st.agent.health ? ` (${st.agent.health})` : ''} · ${st.agent.restartsLastHour} restart(s) in the last hour` : st ? 'unknown' : '—'}</dd>
        {v && (
          <>
            <dt>Vault key</dt>
            <dd>
              {v.primary.id}, {Math.floor(v.primary.ageDays)} days old · rotation {v.primary.rotationDue ? 'due now' : `due ${v.primary.rotationDueAt.slice(0, 10)}`}
            </dd>
          </>
        )}
        {details?.vaultError && !v && (
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
            <dd>{bk.health.ok ? 'healthy' : 'needs attention'} · {bk.health.count} file(s){bk.health.latest ? `, newest ${Math.round(bk.health.latest.ageHours)} h old` : ''}</dd>
          </>
        )}
        {link.state === 'connected' && (
          <>
            <dt>Host key</dt>
            <dd className="mono small">{link.hostKey}</dd>
          </>
        )}
        {drop?.checkedAt && (
          <>
            <dt>Flags read</dt>
            <dd>{ago(drop.checkedAt, now)}</dd>
          </>
        )}
      </dl>
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
            </li>
          ))}
        </ul>
      ) : (
        st && <p className="allgood">All checks pass.</p>
      )}
    </article>
  );
}
