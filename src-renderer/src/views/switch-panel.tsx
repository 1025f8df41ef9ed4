/**
 * The kill switch: what the core last read (never more), Pause in one click
 * (always offered: it is the safe direction, and it also creates a missing
 * .env paused), Resume only when the switch reads paused now and behind a
 * confirmation whose focus starts on Cancel.
 */
import { useState } from 'react';
import { ResumeDialog } from '../components/next-step-dialogs.js';
import { ReadAge, StaleMark, SwitchBadge, UnknownReason } from '../components/switch-state.js';
import { useAppState, useStore } from '../state/hooks.js';
import { switchView } from '../state/switch-view.js';
import { legible } from '../text/inert.js';

export function SwitchPanel({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const sw = switchView(s.droplets[name]);
  const envFile = s.details[name]?.status?.flags.envFile ?? null;
  const [confirm, setConfirm] = useState(false);
  const markId = `switch-stale-${name}`;
  const whyNoResume = `resume-why-${name}`;

  const resume = async () => {
    setConfirm(false);
    await app.resume(name);
  };

  return (
    <section className="panel" aria-labelledby="switch-h">
      <h2 id="switch-h">Destructive tools</h2>
      <StaleMark v={sw} id={markId} />
      <p className={sw.stale ? 'stale' : undefined} aria-describedby={sw.stale ? markId : undefined}>
        {sw.stale && sw.last && sw.last.selfModify !== 'unknown' ? (
          <span className="badge b-stale" data-testid="controls-switch">
            last read: {sw.last.selfModify}
          </span>
        ) : (
          <SwitchBadge v={sw} testId="controls-switch" />
        )}{' '}
        {sw.selfModify === 'allowed' && <>self_modify_code, self_restart, docker_cmd and host_exec may run for trusted senders. </>}
        {sw.selfModify === 'paused' && <>the agent refuses every destructive call. </>}
        {envFile && <span className="muted">({legible(envFile)}) </span>}
        <ReadAge at={sw.checkedAt} testId="controls-read-age" />
      </p>
      <UnknownReason v={sw} />
      <div className="row">
        <PauseButton name={name} paused={sw.selfModify === 'paused'} />
        <button type="button" disabled={!sw.canResume} onClick={() => setConfirm(true)} aria-describedby={sw.canResume ? undefined : whyNoResume}>
          Resume destructive tools…
        </button>
      </div>
      {!sw.canResume && sw.selfModify !== 'allowed' && (
        <p id={whyNoResume} className="small muted">
          Resume is offered once the switch reads paused{sw.stale ? ' over a live link' : ''}; Pause works whatever was read.
        </p>
      )}
      {confirm && <ResumeDialog name={name} onConfirm={() => app.background(resume(), `Resuming ${name}`)} onCancel={() => setConfirm(false)} />}
    </section>
  );
}

/**
 * Pause one droplet: one click, never asks (the safe direction). Its visible
 * words are always part of its accessible name (WCAG 2.5.3, so a voice command
 * "click Pause" works): the switch's state is said by the badge beside it, not
 * by the button ("Paused" was a name mismatch).
 */
export function PauseButton({ name, paused, compact }: { name: string; paused: boolean; compact?: boolean }) {
  const app = useStore();
  const [busy, setBusy] = useState(false);
  // Not `disabled` while busy: disabling the focused button would drop keyboard focus to the page.
  const pause = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await app.pause(name);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="pause"
      onClick={() => app.background(pause(), `Pausing ${name}`)}
      aria-busy={busy}
      aria-label={`Pause destructive tools on ${name}`}
      title={paused ? 'Paused now; pressing it pauses again (Shift+P)' : 'Shift+P'}
    >
      {busy ? 'Pausing…' : compact ? 'Pause' : 'Pause destructive tools'}
    </button>
  );
}
