/**
 * What a finished rollback says: healthy or not (and the container as
 * watched), that the droplet is still paused and the breaker as it was (both
 * from the core's pushed state, never assumed), the pre-rollback snapshot to
 * undo with, and Resume and Re-arm as the next, separate steps, each saying
 * what it will do behind the same dialogs as the Controls view.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { REARM_EFFECT, RearmDialog, RESUME_EFFECT, ResumeDialog } from '../components/next-step-dialogs.js';
import { ReadAge, SwitchBadge } from '../components/switch-state.js';
import { useAppState, useStore } from '../state/hooks.js';
import { switchView } from '../state/switch-view.js';
import { oneLine } from '../text/inert.js';

const OUTCOME: Record<ResultOf<'rollback'>['outcome'], { badge: string; cls: string; text: string }> = {
  healthy: { badge: 'healthy', cls: 'b-ok', text: 'The agent has stayed up with no new restart for the whole watch.' },
  died: { badge: 'died again', cls: 'b-failed', text: 'The agent died again after the rollback. Nothing was resumed; undo, or roll back to an earlier snapshot.' },
  unhealthy: { badge: 'unhealthy', cls: 'b-failed', text: 'The agent stayed up but its health check does not report healthy. Nothing was resumed; look at its logs before going on.' },
};

export function RollbackResultPanel({ name, result, onUndo }: { name: string; result: ResultOf<'rollback'>; onUndo(snapshot: string): void }) {
  const app = useStore();
  const s = useAppState();
  const drop = s.droplets[name];
  const sw = switchView(drop);
  const breaker = sw.stale ? null : (drop?.breaker ?? null);
  const [ask, setAsk] = useState<'resume' | 'rearm' | null>(null);
  const o = OUTCOME[result.outcome];
  const c = result.container;
  return (
    <div className="rollback-result" data-testid="rollback-result">
      <p>
        <span className={`badge ${o.cls}`} data-testid="rollback-outcome">
          {o.badge}
        </span>{' '}
        {o.text} Watched {result.healthSeconds} s: container {oneLine(c.state, 40)}
        {c.health ? ` (${oneLine(c.health, 40)})` : ''}, {c.restartCount} restart(s) counted by Docker.
      </p>
      <dl className="facts grid2" aria-label="After the rollback">
        <dt>Destructive tools</dt>
        <dd data-testid="rollback-switch">
          <SwitchBadge v={sw} /> {sw.selfModify === 'paused' ? 'still paused: the rollback never resumes.' : ''} <ReadAge at={sw.checkedAt} />
        </dd>
        <dt>Breaker</dt>
        <dd data-testid="rollback-breaker">{breaker === 'tripped' ? 'still tripped: the improvement loop stays off until you re-arm.' : breaker ? breaker : 'not read over a live link'}</dd>
        <dt>Undo</dt>
        <dd>
          The replaced code is kept as{' '}
          <strong className="mono" data-testid="pre-rollback">
            {result.preRollback}
          </strong>
          .{' '}
          <button type="button" className="link" onClick={() => onUndo(result.preRollback)} aria-label={`Undo: roll back to ${result.preRollback}`}>
            Undo (roll back to it)…
          </button>
        </dd>
      </dl>
      <h3>Next steps (each on its own)</h3>
      <ul className="next-steps">
        <li>
          <button type="button" disabled={!sw.canResume} onClick={() => setAsk('resume')}>
            Resume destructive tools…
          </button>{' '}
          <span className="small">{RESUME_EFFECT}</span>
        </li>
        <li>
          <button type="button" disabled={breaker !== 'tripped'} onClick={() => setAsk('rearm')}>
            Re-arm breaker…
          </button>{' '}
          <span className="small">{REARM_EFFECT}</span>
        </li>
      </ul>
      {ask === 'resume' && (
        <ResumeDialog
          name={name}
          onConfirm={() => {
            setAsk(null);
            app.background(app.resume(name), `Resuming ${name}`);
          }}
          onCancel={() => setAsk(null)}
        />
      )}
      {ask === 'rearm' && (
        <RearmDialog
          name={name}
          reason={s.details[name]?.status?.breaker.reason ?? null}
          onConfirm={() => {
            setAsk(null);
            app.background(app.rearm(name), `Re-arming the breaker on ${name}`);
          }}
          onCancel={() => setAsk(null)}
        />
      )}
    </div>
  );
}
