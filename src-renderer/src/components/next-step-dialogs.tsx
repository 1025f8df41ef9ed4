/**
 * The two confirmations that undo a safety stop, shared by the Controls view
 * and the rollback result (which offers them as the person's next, separate
 * steps): Resume turns destructive tools back on, Re-arm turns the
 * improvement loop back on. Each says what it will do before it does it.
 */
import { Confirm } from './confirm.js';

export const RESUME_EFFECT = 'The agent will again be able to modify its own code, restart itself, run Docker commands and host shell commands for trusted senders.';
export const REARM_EFFECT = 'Re-arming turns the eternal-improvement loop back on; four restarts within 60 minutes trip the breaker again.';

export function ResumeDialog({ name, onConfirm, onCancel }: { name: string; onConfirm(): void; onCancel(): void }) {
  return (
    <Confirm title={`Resume destructive tools on ${name}?`} confirmLabel="Resume" danger onConfirm={onConfirm} onCancel={onCancel}>
      <p>{RESUME_EFFECT}</p>
    </Confirm>
  );
}

export function RearmDialog({ name, reason, onConfirm, onCancel }: { name: string; reason: string | null; onConfirm(): void; onCancel(): void }) {
  return (
    <Confirm title={`Re-arm the breaker on ${name}?`} confirmLabel="Re-arm" danger onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        It tripped because: {reason ?? 'no reason recorded'}. {REARM_EFFECT} Make sure the crash that caused the restarts is fixed.
      </p>
    </Confirm>
  );
}
