/**
 * A rollback from the console: a typed confirmation (the droplet's name, and
 * how long to watch the agent), then each step as the core reports it, then
 * the result (rollback-result.tsx). The core pauses first, keeps the code it
 * replaces as a pre-rollback snapshot, and never resumes or re-arms: those
 * are offered afterwards as separate steps.
 */
import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { TypedConfirm } from '../components/typed-confirm.js';
import { describe, settled } from '../state/app-store.js';
import { useStore } from '../state/hooks.js';
import { oneLine } from '../text/inert.js';
import { RollbackResultPanel } from './rollback-result.js';

/** The CLI's default watch; the field accepts 0-600. */
const DEFAULT_HEALTH_SECONDS = 60;

type Phase = { at: 'confirm' } | { at: 'running'; healthSeconds: number } | { at: 'done'; result: ResultOf<'rollback'> } | { at: 'failed'; error: string };

export function RollbackFlow({ name, snapshot, onUndo, onClose }: { name: string; snapshot: string; onUndo(snapshot: string): void; onClose(): void }) {
  const app = useStore();
  const [phase, setPhase] = useState<Phase>({ at: 'confirm' });
  const [seconds, setSeconds] = useState(String(DEFAULT_HEALTH_SECONDS));
  const [steps, setSteps] = useState<string[]>([]);
  const op = useRef(`rollback-${Date.now().toString(36)}`);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => app.api.on('progress', (p) => p.op === 'rollback' && p.opId === op.current && setSteps((s) => [...s, p.phase])), [app]);
  // After the dialog closes, focus goes to the panel that now says what is happening (not back to the page top).
  useEffect(() => {
    if (phase.at !== 'confirm') heading.current?.focus();
  }, [phase.at]);

  const secs = Number(seconds);
  const secsOk = /^[0-9]{1,3}$/.test(seconds) && secs <= 600;
  const run = async (healthSeconds: number) => {
    setPhase({ at: 'running', healthSeconds });
    setSteps([]);
    const r = await settled(app.api.rollback({ name, snapshot, confirm: name, healthSeconds, opId: op.current }));
    setPhase(r.error ? { at: 'failed', error: describe(r.error, 'The rollback') } : { at: 'done', result: r.result });
  };

  if (phase.at === 'confirm') {
    return (
      <TypedConfirm
        title={`Roll ${name} back to ${snapshot}?`}
        expected={name}
        confirmLabel="Roll back"
        onCancel={onClose}
        onConfirm={() => {
          if (secsOk) app.background(run(secs), `Rolling ${name} back`);
        }}
        extra={
          <label className="field">
            Watch the agent for (seconds, 0-600)
            <input
              inputMode="numeric"
              className="narrow"
              value={seconds}
              onChange={(e) => setSeconds(e.target.value.trim())}
              aria-invalid={secsOk ? undefined : true}
              aria-describedby={secsOk ? undefined : `${op.current}-secs`}
            />
            {!secsOk && (
              <span id={`${op.current}-secs`} role="alert" className="field-error">
                A whole number of seconds from 0 to 600.
              </span>
            )}
          </label>
        }
      >
        <p>This pauses destructive tools, keeps the code as it is now as a pre-rollback snapshot (so you can undo), puts the snapshot's code in place and restarts the agent, then watches it.</p>
        <p>It does not resume and does not re-arm the breaker: those stay your next, separate steps.</p>
      </TypedConfirm>
    );
  }
  return (
    <section className="panel rollback" aria-label="Rollback">
      <div className="row">
        <h2 ref={heading} tabIndex={-1}>
          Rollback to <span className="mono">{snapshot}</span>
        </h2>
        <span className="spacer" />
        {phase.at !== 'running' && (
          <button type="button" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      <ol className="steps" aria-label="Rollback steps" aria-live="polite">
        {steps.map((s, i) => (
          <li key={i} className={/^[a-z-]+ FAILED:/.test(s) ? 'danger-text' : undefined}>
            {oneLine(s, 300)}
          </li>
        ))}
        {phase.at === 'running' && <li className="muted">{steps.some((s) => s.startsWith('restart')) ? `Watching the agent for ${phase.healthSeconds} s…` : 'Working…'}</li>}
      </ol>
      {phase.at === 'failed' && (
        <p className="problem p-critical" role="alert">
          {oneLine(phase.error, 600)}
        </p>
      )}
      {phase.at === 'done' && <RollbackResultPanel name={name} result={phase.result} onUndo={onUndo} />}
    </section>
  );
}
